import {
  startMFilesSimulator,
  type MFilesSimulator,
  type MFilesSimulatorOptions,
} from '../../../src/simulators/mfiles';
import { TEST_SCHEMA } from '../../helpers/mfiles-vault';

export const GUID = '0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9';
export const GOOD = { Username: 'postroom', Password: 'pw-123456', VaultGuid: `{${GUID.toLowerCase()}}` };

export function startSim(options: MFilesSimulatorOptions = {}): Promise<MFilesSimulator> {
  return startMFilesSimulator({
    vaultGuid: GUID,
    users: [{ username: 'postroom', password: 'pw-123456' }],
    schema: TEST_SCHEMA,
    ...options,
  });
}

export interface Answer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: Headers;
}

export const cls = (id: number) => ({
  PropertyDef: 100,
  TypedValue: { DataType: 9, Lookup: { Item: id, Version: -1 } },
});
export const title = (value: string) => ({ PropertyDef: 0, TypedValue: { DataType: 1, Value: value } });
export const single = (value: boolean) => ({ PropertyDef: 22, TypedValue: { DataType: 8, Value: value } });

/** Raw MFWS calls against whichever simulator `current()` returns (tests restart it with other options). */
export function simClient(current: () => MFilesSimulator) {
  async function call(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; body?: Buffer } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.token) headers['X-Authentication'] = options.token;
    const response = await fetch(`${current().url}${path}`, {
      method,
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  }

  async function login(auth: object = GOOD): Promise<string> {
    const answer = await call('POST', '/REST/server/authenticationtokens', { json: auth });
    expect(answer.status).toBe(200);
    return answer.json.Value as string;
  }

  async function upload(token: string, bytes = 'bytes'): Promise<number> {
    const answer = await call('POST', '/REST/files', { token, body: Buffer.from(bytes) });
    expect(answer.json).toEqual({ UploadID: expect.any(Number), Size: bytes.length, FileInformationType: 0 });
    return answer.json.UploadID as number;
  }

  return { call, login, upload };
}
