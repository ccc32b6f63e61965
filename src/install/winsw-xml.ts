/**
 * The WinSW v2 configuration for running postroom as a Windows service. WinSW starts node with
 * postroom's CLI, sends Ctrl+C on stop (postroom's SIGINT handler finishes jobs in hand) and waits
 * `stopTimeoutSeconds` before it kills the process; its own logs roll by size and time.
 */
export interface WinswOptions {
  /** Path of node.exe. */
  nodeExe: string;
  /** Folder holding postroom (bin\postroom.js). */
  installDir: string;
  /** postroom.yaml to run with. */
  configFile: string;
  /** Working directory: relative data paths in the config resolve here. */
  dataDir: string;
  logDir: string;
  /** Longer than the config's shutdownTimeoutSeconds, so postroom can finish on its own. */
  stopTimeoutSeconds: number;
  /** Extra environment, e.g. secrets referenced as ${env:NAME}; prefer files for secrets. */
  env?: Record<string, string>;
  serviceId?: string;
}

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Quotes one Windows command-line argument (paths with spaces). */
function windowsArgument(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

export function winswXml(options: WinswOptions): string {
  const id = options.serviceId ?? 'postroom';
  const script = `${options.installDir.replace(/[\\/]+$/, '')}\\bin\\postroom.js`;
  const args = [script, 'run', '--config', options.configFile].map(windowsArgument).join(' ');
  const env = { NODE_ENV: 'production', ...options.env };
  const e = xmlEscape;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<service>',
    `  <id>${e(id)}</id>`,
    `  <name>${e(id)}</name>`,
    '  <description>postroom: moves Exchange Online mail into document management</description>',
    `  <executable>${e(options.nodeExe)}</executable>`,
    `  <arguments>${e(args)}</arguments>`,
    `  <workingdirectory>${e(options.dataDir)}</workingdirectory>`,
    ...Object.entries(env).map(([name, value]) => `  <env name="${e(name)}" value="${e(value)}" />`),
    '  <startmode>Automatic</startmode>',
    '  <delayedAutoStart>true</delayedAutoStart>',
    `  <stoptimeout>${Math.ceil(options.stopTimeoutSeconds)} sec</stoptimeout>`,
    '  <stopparentprocessfirst>true</stopparentprocessfirst>',
    '  <onfailure action="restart" delay="10 sec" />',
    '  <onfailure action="restart" delay="60 sec" />',
    '  <resetfailure>1 hour</resetfailure>',
    `  <logpath>${e(options.logDir)}</logpath>`,
    '  <log mode="roll-by-size-time">',
    '    <sizeThreshold>10240</sizeThreshold>',
    '    <pattern>yyyyMMdd</pattern>',
    '    <autoRollAtTime>00:00:00</autoRollAtTime>',
    '    <keepFiles>14</keepFiles>',
    '  </log>',
    '</service>',
    '',
  ].join('\n');
}
