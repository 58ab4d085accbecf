// Kafka reports a member's host as "/<address>" (Java's InetAddress.toString()).
export function clientHostOf(peer: string): string {
  const at = peer.lastIndexOf(':');
  return `/${at > 0 ? peer.slice(0, at) : peer}`;
}
