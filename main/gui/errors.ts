// Errors of the UI contract: an Error whose `name` is a Kafka error name (TOPIC_ALREADY_EXISTS …) or a UiErrorName,
// and whose message reads "what happened — what the user can do". comlink carries name and message to the page.
import type { UiErrorName } from '../contract/ui-api.js';

export function uiError(name: UiErrorName | string, what: string, hint?: string): Error {
  const e = new Error(hint ? `${what} — ${hint}` : what);
  e.name = name;
  return e;
}

export function badRequest(what: string, hint?: string): Error {
  return uiError('BAD_REQUEST', what, hint);
}

// Hints for the Kafka errors a GUI user meets most; the rest get the cluster's own message only.
const HINTS: Record<string, string> = {
  TOPIC_ALREADY_EXISTS: 'choose another name, or open the existing topic',
  UNKNOWN_TOPIC_OR_PARTITION: 'the topic may have been deleted: reload the list',
  INVALID_REPLICATION_FACTOR: 'use at most as many replicas as there are brokers',
  INVALID_PARTITIONS: 'a topic needs at least one partition, and partitions can only be added',
  INVALID_CONFIG: 'check the value against the config’s type and range',
  POLICY_VIOLATION: 'the cluster’s create-topic policy refused it',
  NON_EMPTY_GROUP: 'stop the group’s consumers first (the group must be Empty)',
  GROUP_ID_NOT_FOUND: 'the group may have been deleted: reload the list',
  GROUP_SUBSCRIBED_TO_TOPIC: 'stop the consumers subscribed to the topic first',
  INVALID_TOPIC_EXCEPTION: 'topic names use letters, digits, ".", "_" and "-" (at most 249 characters)',
  TOPIC_AUTHORIZATION_FAILED: 'the connection’s user lacks the ACL for this',
  CLUSTER_AUTHORIZATION_FAILED: 'the connection’s user lacks the ACL for this',
  GROUP_AUTHORIZATION_FAILED: 'the connection’s user lacks the ACL for this',
  SASL_AUTHENTICATION_FAILED: 'check the user name, password and mechanism',
  NOT_CONTROLLER: 'the cluster is electing a controller: try again',
  REQUEST_TIMED_OUT: 'the cluster is slow or a broker is down: try again',
  OFFSET_OUT_OF_RANGE: 'the records were deleted by retention or a purge',
};

export function hintFor(name: string): string | undefined {
  return HINTS[name];
}

/** A Kafka error code answered in a response, as a contract error. */
export function kafkaError(name: string, message: string | null | undefined, context: string): Error {
  const what = message && message !== name ? `${context}: ${message}` : `${context}: ${name}`;
  return uiError(name, what, hintFor(name));
}

interface ClientErrorShape {
  name?: string;
  message?: string;
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

/** The first Kafka protocol error inside a client error (platformatic nests them in MultipleErrors). */
function protocolError(e: unknown, depth = 0): ClientErrorShape | null {
  if (!e || typeof e !== 'object' || depth > 5) return null;
  const err = e as ClientErrorShape;
  if (typeof err.apiId === 'string' && err.apiId !== 'NONE') return err;
  for (const inner of err.errors ?? []) {
    const found = protocolError(inner, depth + 1);
    if (found) return found;
  }
  return err.cause ? protocolError(err.cause, depth + 1) : null;
}

function codes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 5) return [];
  const err = e as ClientErrorShape;
  return [err.code ?? '', ...(err.errors ?? []).flatMap((x) => codes(x, depth + 1)), ...codes(err.cause, depth + 1)];
}

/** Any failure of a client call, as a contract error ("context: what — hint"). Contract errors pass unchanged. */
export function toUiError(e: unknown, context: string): Error {
  if (e instanceof Error && e.name !== 'Error' && !(e as ClientErrorShape).code) return e;
  const pe = protocolError(e);
  if (pe) return kafkaError(pe.apiId!, pe.serverErrorMessage, context);
  const all = codes(e);
  const message = (e as Error)?.message ?? String(e);
  if (all.includes('PLT_KFK_AUTHENTICATION')) return uiError('SASL_AUTHENTICATION_FAILED', `${context}: ${message}`, hintFor('SASL_AUTHENTICATION_FAILED'));
  if (all.includes('PLT_KFK_TIMEOUT')) return uiError('TIMEOUT', `${context}: the cluster did not answer in time`, 'check that its brokers are up');
  if (all.includes('PLT_KFK_NETWORK')) return uiError('CONNECTION_FAILED', `${context}: ${deepestMessage(e)}`, 'check that the cluster is running and reachable');
  return uiError('ERROR', `${context}: ${message}`);
}

function deepestMessage(e: unknown, depth = 0): string {
  const err = e as ClientErrorShape;
  const inner = err?.errors?.[0] ?? err?.cause;
  if (inner && depth < 5) return deepestMessage(inner, depth + 1);
  return err?.message ?? String(e);
}
