// Kafka's topic name rules (org.apache.kafka.common.internals.Topic).

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Returns why a name is not a legal topic name, or null when it is. */
export function invalidTopicNameReason(name: string): string | null {
  // Kafka 4.4's wording (Topic.validate), checked by test/differential.
  if (name.length === 0) return 'Topic name is invalid: the empty string is not allowed';
  if (name === '.' || name === '..') return `Topic name is invalid: '${name}' is not allowed`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is invalid: the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!LEGAL.test(name)) {
    return `Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** Names that differ only by '.' versus '_' collide in metric names, so Kafka refuses the second one. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}
