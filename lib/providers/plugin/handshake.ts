/** go-plugin's side of the process contract: the magic cookie, protocol version and the handshake line. */

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

export type StartCheck = { ok: true; clientCertPem: string } | { ok: false; message: string };

/** Whether terraform started us; a message for humans (stderr) when it did not. */
export function checkStart(env: NodeJS.ProcessEnv, providerName: string): StartCheck {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return {
      ok: false,
      message:
        `This is the Terraform provider "${providerName}", a plugin that terraform starts itself.\n` +
        'Running it by hand does nothing. Install it with the project\'s provider mirror and run terraform instead.\n',
    };
  }
  const versions = (env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION)).split(',').map((v) => v.trim());
  if (!versions.includes(String(APP_PROTOCOL_VERSION))) {
    return { ok: false, message: `terraform offers plugin protocol versions ${versions.join(', ')}; this provider speaks only 6 (terraform >= 1.0).\n` };
  }
  const clientCertPem = env.PLUGIN_CLIENT_CERT;
  if (!clientCertPem || !clientCertPem.includes('BEGIN CERTIFICATE')) {
    return { ok: false, message: 'PLUGIN_CLIENT_CERT is not set: this provider requires terraform\'s mutual TLS (terraform always sets it).\n' };
  }
  return { ok: true, clientCertPem };
}

/** The one stdout line: `core|app|network|address|protocol|server cert (base64 DER, no padding)`. */
export function handshakeLine(socketPath: string, certDer: Uint8Array): string {
  const cert = Buffer.from(certDer).toString('base64').replace(/=+$/, '');
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|${cert}\n`;
}
