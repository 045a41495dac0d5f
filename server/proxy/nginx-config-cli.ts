// `npm run proxy-config -- --nodes 127.0.0.1:3000,127.0.0.1:3001 [--listen 8080] [--server-name example.com]`
// Prints (or writes, --out) the nginx configuration that puts these nodes under one origin
// (server/proxy/nginx-config.ts).

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderNginxConfig } from './nginx-config.js';
import { parseProxyNodes } from './proxy-nodes.js';

const HELP = `usage: npm run proxy-config -- --nodes NODES [options] --out arena.conf
       (or npm run -s proxy-config -- ... > arena.conf: without -s, npm prints its own lines on stdout)
  --nodes NODES          host:port or name=host:port, comma-separated (a node's name is its prefix
                         /node/<name>/ and defaults to its port; name the nodes of several machines)
  --listen LISTEN        what nginx listens on: port or address:port (default 80, 443 with TLS)
  --server-name NAMES    host names players use (nginx server_name; also the host of each PUBLIC_URL)
  --tls-cert FILE        TLS certificate chain (PEM): nginx terminates https and wss
  --tls-key FILE         its private key
  --standalone           a complete file for "nginx -p DIR -c FILE" (any user); default: the part that
                         goes in /etc/nginx/conf.d/
  --out FILE             write the file there (default: stdout)
The file's header says which PUBLIC_URL and TRUSTED_PROXIES each node needs.`;

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      nodes: { type: 'string' },
      listen: { type: 'string' },
      'server-name': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      standalone: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.nodes === undefined) throw new Error('--nodes is required (--help for usage)');
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new Error('--tls-cert and --tls-key go together');
  // The command in the header: the options that shape the file, in a fixed order (not --out).
  const shaping: [string, string | boolean | undefined][] = [
    ['--nodes', values.nodes],
    ['--listen', values.listen],
    ['--server-name', values['server-name']],
    ['--tls-cert', cert],
    ['--tls-key', key],
    ['--standalone', values.standalone],
  ];
  const command = ['npm run proxy-config --'];
  for (const [flag, value] of shaping) {
    if (value === true) command.push(flag);
    else if (typeof value === 'string') command.push(flag, shellQuote(value));
  }
  const text = renderNginxConfig({
    nodes: parseProxyNodes(values.nodes),
    listen: values.listen,
    serverName: values['server-name'] ?? null,
    tls: cert !== undefined && key !== undefined ? { certificate: cert, key } : null,
    standalone: values.standalone,
    generatedBy: command.join(' '),
  });
  if (values.out === undefined) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(values.out, text);
  process.stderr.write(`proxy-config: wrote ${values.out}\n`);
}

/** An argument as a shell would need it, so the header's command can be pasted back. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./[\]-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`proxy-config: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
