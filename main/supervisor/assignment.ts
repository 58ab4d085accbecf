// Replica placement for new partitions: leaders spread round-robin over the brokers from a random start,
// followers on the next brokers, shifted per round so that follower load also spreads (the scheme of
// Kafka's rack-unaware assignment).

export function assignReplicas(brokers: readonly number[], numPartitions: number, replicationFactor: number, random = Math.random): number[][] {
  const n = brokers.length;
  if (replicationFactor > n) throw new Error(`replication factor ${replicationFactor} exceeds ${n} brokers`);
  const start = Math.floor(random() * n);
  let shift = n > 1 ? Math.floor(random() * (n - 1)) : 0;
  const out: number[][] = [];
  for (let p = 0; p < numPartitions; p++) {
    if (p > 0 && p % n === 0 && n > 1) shift = (shift + 1) % (n - 1);
    const first = (start + p) % n;
    const replicas = [brokers[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      // Offsets 1..n-1 from the first replica, starting at the round's shift, never landing on the first.
      replicas.push(brokers[(first + 1 + ((shift + j) % (n - 1))) % n]!);
    }
    out.push(replicas);
  }
  return out;
}
