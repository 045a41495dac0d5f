// The nodes a reverse proxy routes to, as `npm run proxy-config -- --nodes` spells them:
// "host:port" or "name=host:port", comma-separated. A node's name is its path prefix (/node/<name>/), so
// it defaults to its port: on one machine (WORKERS=N) the ports differ, and one PUBLIC_URL with "{port}"
// then fits every node.

import { isIP } from 'node:net';

export interface ProxyNode {
  /** Path segment of the node's prefix: /node/<name>/. */
  readonly name: string;
  /** Host name, IPv4 or IPv6 address (without brackets) nginx connects to. */
  readonly host: string;
  readonly port: number;
}

const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses "a=10.0.0.1:3000,10.0.0.2:3000,[::1]:3001"; throws with the offending entry. */
export function parseProxyNodes(text: string): ProxyNode[] {
  const entries = text.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw new Error('--nodes: give at least one node as host:port or name=host:port');
  const nodes = entries.map(parseEntry);
  checkProxyNodes(nodes);
  return nodes;
}

/** Names and addresses must be unique: two nodes under one prefix, or one node twice, is a mistake. */
export function checkProxyNodes(nodes: readonly ProxyNode[]): void {
  if (nodes.length === 0) throw new Error('nginx config: no nodes');
  const names = new Set<string>();
  const addresses = new Set<string>();
  for (const node of nodes) {
    if (!NAME.test(node.name)) throw new Error(`node name "${node.name}": use 1-40 letters, digits, '-' or '_'`);
    if (!isValidHost(node.host)) throw new Error(`node ${node.name}: "${node.host}" is not a host name or IP address`);
    if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) throw new Error(`node ${node.name}: bad port ${node.port}`);
    if (names.has(node.name)) {
      throw new Error(`two nodes are named "${node.name}" (names default to the port): name them, e.g. a=10.0.0.1:3000,b=10.0.0.2:3000`);
    }
    const address = `${node.host.toLowerCase()}:${node.port}`;
    if (addresses.has(address)) throw new Error(`node ${hostPort(node)} is listed twice`);
    names.add(node.name);
    addresses.add(address);
  }
}

/** host:port as nginx and URLs write it (IPv6 in brackets). */
export function hostPort(node: Pick<ProxyNode, 'host' | 'port'>): string {
  return `${isIP(node.host) === 6 ? `[${node.host}]` : node.host}:${node.port}`;
}

function parseEntry(entry: string): ProxyNode {
  const eq = entry.indexOf('=');
  const name = eq >= 0 ? entry.slice(0, eq).trim() : null;
  const address = (eq >= 0 ? entry.slice(eq + 1) : entry).trim();
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (!match) throw new Error(`--nodes: "${entry}" is not host:port or name=host:port`);
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && isIP(host) !== 6) throw new Error(`--nodes: "${entry}": only IPv6 addresses go in brackets`);
  const port = Number(match[3]);
  return { name: name ?? String(port), host, port };
}

function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || HOST_NAME.test(host);
}
