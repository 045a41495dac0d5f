// The nginx configuration renderer and `npm run proxy-config`: node lists, what the header tells each node,
// every form accepted by Debian's real nginx (nginx -t), and the committed example still what the CLI makes.
// What the configuration does with traffic: server/integration/nginx-proxy.test.ts.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePublicUrl } from '../config.js';
import { proxiedNodeUrl, renderNginxConfig, type NginxConfigOptions } from './nginx-config.js';
import { parseProxyNodes } from './proxy-nodes.js';

const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const CLI = 'server/proxy/nginx-config-cli.ts';
const EXAMPLE = 'deploy/nginx/arena-cluster.conf';

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'nginx-config-test-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** nginx -t on the file, in its own prefix directory; returns nginx's verdict text. */
function nginxTest(name: string, text: string): { ok: boolean; output: string } {
  const prefix = mkdtempSync(join(dir, `${name}-`));
  writeFileSync(join(prefix, 'nginx.conf'), text);
  const run = spawnSync(NGINX, ['-t', '-p', prefix, '-c', 'nginx.conf', '-e', 'stderr'], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
}

describe('--nodes', () => {
  it('names a node by its port unless named, and takes IPv6 in brackets', () => {
    expect(parseProxyNodes('127.0.0.1:3000, game-2=10.0.0.2:3000,[::1]:3002')).toEqual([
      { name: '3000', host: '127.0.0.1', port: 3000 },
      { name: 'game-2', host: '10.0.0.2', port: 3000 },
      { name: '3002', host: '::1', port: 3002 },
    ]);
  });

  it('refuses what would route wrong: one name twice, one node twice, malformed entries', () => {
    expect(() => parseProxyNodes('10.0.0.1:3000,10.0.0.2:3000')).toThrow(/two nodes are named "3000".*name them/);
    expect(() => parseProxyNodes('a=10.0.0.1:3000,b=10.0.0.1:3000')).toThrow(/listed twice/);
    for (const bad of ['', '10.0.0.1', '10.0.0.1:0', 'a b=10.0.0.1:3000', 'x=host;evil:1', '[10.0.0.1]:3000', '::1:3000']) {
      expect(() => parseProxyNodes(bad), bad).toThrow();
    }
  });
});

describe('renderNginxConfig', () => {
  const nodes = parseProxyNodes('127.0.0.1:3000,127.0.0.1:3001');

  it('tells each node its PUBLIC_URL, which the node derives from the {port} template as the proxy routes it', () => {
    for (const options of [{ nodes }, { nodes, listen: '8080', serverName: 'play.example.com' }, { nodes, tls: { certificate: '/c', key: '/k' } }]) {
      const text = renderNginxConfig(options);
      const template = proxiedNodeUrl(options, { name: '{port}' });
      expect(text).toContain(`PUBLIC_URL='${template}'`);
      for (const node of nodes) {
        const url = proxiedNodeUrl(options, node);
        expect(nodePublicUrl({ publicUrl: template, host: '0.0.0.0' }, node.port)).toBe(url);
        expect(text).toContain(`node ${node.name} (127.0.0.1:${node.port}): PUBLIC_URL=${url} TRUSTED_PROXIES=127.0.0.1`);
        expect(text).toContain(`location /node/${node.name}/ {`);
      }
    }
    expect(proxiedNodeUrl({ nodes, listen: '8080', serverName: 'play.example.com www.example.com' }, { name: '3000' })).toBe(
      'http://play.example.com:8080/node/3000/',
    );
    expect(proxiedNodeUrl({ nodes, tls: { certificate: '/c', key: '/k' } }, { name: '3000' })).toBe('https://localhost/node/3000/');
  });

  it('refuses values that would inject directives', () => {
    expect(() => renderNginxConfig({ nodes, serverName: 'x; include /etc/passwd' })).toThrow(/server name/);
    expect(() => renderNginxConfig({ nodes, tls: { certificate: '/a";evil', key: '/k' } })).toThrow(/path/);
    expect(() => renderNginxConfig({ nodes, listen: '80; evil' })).toThrow(/listen/);
  });

  it('is accepted by nginx in every form: conf.d part, standalone, TLS, nodes on several machines', () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], {
      stdio: 'ignore',
    });
    const several = parseProxyNodes('a=10.0.0.1:3000,b=10.0.0.1:3001,c=10.0.0.2:3000,d=[fd00::3]:3000');
    const forms: [string, NginxConfigOptions][] = [
      ['standalone', { nodes, listen: '127.0.0.1:8080', standalone: true }],
      ['tls', { nodes, listen: '127.0.0.1:8443', serverName: 'play.example.com', tls: { certificate: cert, key }, standalone: true }],
      ['several-machines', { nodes: several, listen: '8080', standalone: true }],
    ];
    for (const [name, options] of forms) {
      const verdict = nginxTest(name, renderNginxConfig(options));
      expect(verdict.ok, `${name}: ${verdict.output}`).toBe(true);
    }
    // The conf.d part, included in an http block as Debian's nginx.conf does.
    const part = join(dir, 'arena.conf');
    writeFileSync(part, renderNginxConfig({ nodes, listen: '127.0.0.1:8080', serverName: 'play.example.com' }));
    const verdict = nginxTest('conf-d', hostConfig(part));
    expect(verdict.ok, verdict.output).toBe(true);
  });
});

/** A minimal main configuration that includes `part` in its http block, with its files in the prefix. */
function hostConfig(part: string): string {
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${t}_temp;`);
  return ['pid nginx.pid;', 'events {}', 'http {', ...temps, '    access_log off;', `    include ${part};`, '}'].join('\n');
}

describe('npm run proxy-config', () => {
  it('prints the configuration with the command that made it; the committed example is still what it prints', () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    const command = /^# Generated by: npm run proxy-config -- (.*)$/m.exec(example);
    expect(command, `${EXAMPLE} names the command that made it`).not.toBeNull();
    const run = cli(command![1]!.split(' '));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(example);
  });

  it('exits 2 with the reason on a bad node list, and writes --out', () => {
    const bad = cli(['--nodes', '10.0.0.1:3000,10.0.0.2:3000']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/two nodes are named "3000"/);
    const out = join(dir, 'out.conf');
    const wrote = cli(['--nodes', '127.0.0.1:3000', '--listen', '8080', '--out', out]);
    expect(wrote.status).toBe(0);
    expect(wrote.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(renderNginxConfig({ nodes: parseProxyNodes('127.0.0.1:3000'), listen: '8080', generatedBy: 'npm run proxy-config -- --nodes 127.0.0.1:3000 --listen 8080' }));
  });
});
