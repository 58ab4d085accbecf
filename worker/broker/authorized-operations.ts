// Authorized-operation bit sets (KIP-430). Eddy has no authorizer, so every operation a resource type
// supports is allowed, which is what Kafka reports when no authorizer is configured.

/** AclOperation codes. */
const Op = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;

const bits = (...ops: number[]) => ops.reduce((acc, op) => acc | (1 << op), 0);

/** Sent when the client did not ask for authorized operations (Integer.MIN_VALUE). */
export const OMITTED_AUTHORIZED_OPERATIONS = -2147483648;

export const TOPIC_AUTHORIZED_OPERATIONS = bits(Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS);

export const CLUSTER_AUTHORIZED_OPERATIONS = bits(
  Op.CREATE,
  Op.ALTER,
  Op.DESCRIBE,
  Op.CLUSTER_ACTION,
  Op.DESCRIBE_CONFIGS,
  Op.ALTER_CONFIGS,
  Op.IDEMPOTENT_WRITE,
);

export const GROUP_AUTHORIZED_OPERATIONS = bits(Op.READ, Op.DELETE, Op.DESCRIBE);
