// The "Connect to cluster" form: its fields, their checks (shown before anything is sent) and the contract's
// RemoteConnectionParams built from them. Pure, so it is tested without a browser.
import type { RemoteConnectionParams, SaslMechanism } from '../../../main/contract/ui-api.js';

export type Security = 'none' | SaslMechanism;

export interface ConnectForm {
  name: string;
  bootstrapServers: string;
  security: Security;
  username: string;
  password: string;
  tls: boolean;
  caFile: string;
  rejectUnauthorized: boolean;
}

export function emptyConnectForm(): ConnectForm {
  return { name: '', bootstrapServers: '', security: 'none', username: '', password: '', tls: false, caFile: '', rejectUnauthorized: true };
}

export type ConnectErrors = Partial<Record<keyof ConnectForm, string>>;

// host:port where host is a name, an IPv4 address or a bracketed IPv6 address.
const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

export function validateConnectForm(f: ConnectForm): ConnectErrors {
  const errors: ConnectErrors = {};
  const servers = f.bootstrapServers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (servers.length === 0) errors.bootstrapServers = 'Enter at least one host:port, e.g. localhost:9092';
  else {
    const bad = servers.find((s) => {
      const m = HOST_PORT.exec(s);
      return !m || Number(m[1]) < 1 || Number(m[1]) > 65535;
    });
    if (bad !== undefined) errors.bootstrapServers = `“${bad}” is not host:port (port 1–65535); separate several with commas`;
  }
  if (f.name.length > 100) errors.name = 'At most 100 characters';
  if (f.security !== 'none') {
    if (f.username.trim() === '') errors.username = `${f.security} needs a user name`;
    if (f.password === '') errors.password = `${f.security} needs a password`;
  }
  if (f.tls && f.caFile.trim() !== '' && !/\.(pem|crt|cer)$/i.test(f.caFile.trim())) errors.caFile = 'A PEM file path (.pem, .crt or .cer) on the machine running Eddy';
  return errors;
}

export function toConnectionParams(f: ConnectForm): RemoteConnectionParams {
  const params: RemoteConnectionParams = {
    bootstrapServers: f.bootstrapServers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .join(','),
  };
  if (f.name.trim()) params.name = f.name.trim();
  if (f.security !== 'none') params.sasl = { mechanism: f.security, username: f.username.trim(), password: f.password };
  if (f.tls) params.tls = { ...(f.caFile.trim() ? { caFile: f.caFile.trim() } : {}), rejectUnauthorized: f.rejectUnauthorized };
  return params;
}
