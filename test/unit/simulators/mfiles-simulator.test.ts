import { GOOD, cls, simClient, single, startSim, title } from './mfiles-sim-client';
import type { MFilesSimulator } from '../../../src/simulators/mfiles';

describe('M-Files simulator: sessions, structure and object creation', () => {
  let sim: MFilesSimulator;
  const { call, login, upload } = simClient(() => sim);
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.stop());

  it('hands out a token for wrong credentials and refuses it on first use with a WebServiceError', async () => {
    const token = await login({ ...GOOD, Password: 'wrong' });
    const answer = await call('GET', '/REST/structure/classes', { token });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({
      Status: 403,
      URL: '/REST/structure/classes',
      Method: 'GET',
      Exception: {
        Name: 'ForbiddenException',
        Message: expect.stringContaining('Login to application failed'),
        InnerException: null,
        StackText: '',
      },
      Stack: null,
      Message: expect.stringContaining('Login to application failed'),
    });
    expect((await call('GET', '/REST/structure/classes')).status).toBe(403);
  });

  it('expires tokens (403), by lifetime and on demand', async () => {
    await sim.stop();
    sim = await startSim({ tokenLifetimeMs: 400 });
    const token = await login();
    expect((await call('GET', '/REST/structure/properties', { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const expired = await call('GET', '/REST/structure/properties', { token });
    expect(expired.status).toBe(403);
    expect(expired.json.Message).toMatch(/expired/);
    const fresh = await login();
    sim.expireTokens();
    expect((await call('GET', '/REST/structure/properties', { token: fresh })).status).toBe(403);
    expect(sim.counters().tokensIssued).toBe(2);
  });

  it('serves classes, property definitions and value-list items', async () => {
    const token = await login();
    const classes = (await call('GET', '/REST/structure/classes', { token })).json;
    expect(classes).toContainEqual(
      expect.objectContaining({
        ID: 10,
        Name: 'Invoice',
        ObjectType: 0,
        AssociatedPropertyDefs: [
          { PropertyDef: 0, Required: true },
          { PropertyDef: 1001, Required: true },
        ],
      }),
    );
    expect(classes).toContainEqual(expect.objectContaining({ ID: 1, Name: 'Other document' }));
    const properties = (await call('GET', '/REST/structure/properties', { token })).json;
    expect(properties).toContainEqual(expect.objectContaining({ ID: 83, Name: 'MessageID', DataType: 1 }));
    expect(properties).toContainEqual(expect.objectContaining({ ID: 1010, DataType: 9, ValueList: 100 }));
    expect((await call('GET', '/REST/structure/properties/1011', { token })).json).toMatchObject({
      DataType: 10,
      ValueList: 101,
    });
    const items = (await call('GET', '/REST/valuelists/100/items', { token })).json;
    expect(items.MoreResults).toBe(false);
    expect(items.Items.map((i: { Name: string }) => i.Name)).toEqual(['Contoso Ltd', 'Fabrikam']);
    expect((await call('GET', '/REST/valuelists/1/items', { token })).json.Items).toContainEqual(
      expect.objectContaining({ ID: 10, Name: 'Invoice' }),
    );
    expect((await call('GET', '/REST/valuelists/999/items', { token })).status).toBe(404);
  });

  it('creates an object from uploads and returns an ObjectVersion; files and properties read back', async () => {
    const token = await login();
    const a = await upload(token, 'first');
    const b = await upload(token, 'second file');
    const created = await call('POST', '/REST/objects/0', {
      token,
      json: {
        PropertyValues: [
          cls(1),
          title('x'.repeat(120)),
          single(false),
          {
            PropertyDef: 1011,
            TypedValue: {
              DataType: 10,
              Lookups: [
                { Item: 1, Version: -1 },
                { Item: 2, Version: -1 },
              ],
            },
          },
        ],
        Files: [
          { UploadID: a, Title: 'mail', Extension: 'eml', Size: 5 },
          { UploadID: b, Title: 'scan', Extension: '.pdf' },
        ],
      },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      ObjVer: { ID: 1, Type: 0, Version: 1 },
      Title: 'x'.repeat(100),
      SingleFile: false,
      Deleted: false,
      Files: [
        expect.objectContaining({ Name: 'mail', Extension: 'eml', Size: 5 }),
        expect.objectContaining({ Name: 'scan', Extension: 'pdf', Size: 11 }),
      ],
    });
    const fileId = created.json.Files[1].ID as number;
    expect((await call('GET', `/REST/objects/0/1/latest/files/${fileId}/content`, { token })).text).toBe(
      'second file',
    );
    const properties = (await call('GET', '/REST/objects/0/1/latest/properties', { token })).json;
    expect(properties).toContainEqual({
      PropertyDef: 0,
      TypedValue: expect.objectContaining({ Value: 'x'.repeat(100) }),
    });
    expect(properties).toContainEqual(expect.objectContaining({ PropertyDef: 20 }));
    expect((await call('GET', '/REST/objects/0/1/1', { token })).json.ObjVer.ID).toBe(1);
    expect((await call('GET', '/REST/objects/0/2/latest', { token })).status).toBe(404);
  });

  const invalid: Array<[string, (u: number) => object, RegExp]> = [
    [
      'no class',
      (u) => ({ PropertyValues: [title('t')], Files: [{ UploadID: u, Title: 'f' }] }),
      /class \(property 100\) is required/,
    ],
    [
      'an unknown class',
      (u) => ({ PropertyValues: [cls(77), title('t')], Files: [{ UploadID: u, Title: 'f' }] }),
      /"Class" has no item with id 77/,
    ],
    [
      'an unknown property',
      (u) => ({
        PropertyValues: [cls(1), title('t'), { PropertyDef: 4242, TypedValue: { DataType: 1, Value: 'x' } }],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /property definition 4242 does not exist/,
    ],
    [
      'a data type mismatch',
      (u) => ({
        PropertyValues: [cls(1), title('t'), { PropertyDef: 1003, TypedValue: { DataType: 1, Value: '5' } }],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /data type 1 does not match the data type 2 of property 1003/,
    ],
    [
      'a value of the wrong shape',
      (u) => ({
        PropertyValues: [
          cls(1),
          title('t'),
          { PropertyDef: 1003, TypedValue: { DataType: 2, Value: 2 ** 31 } },
        ],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /32-bit integer/,
    ],
    [
      'a deleted value-list item',
      (u) => ({
        PropertyValues: [
          cls(1),
          title('t'),
          { PropertyDef: 1010, TypedValue: { DataType: 9, Lookup: { Item: 3, Version: -1 } } },
        ],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /"Customers" has no item with id 3/,
    ],
    [
      'a lookup to a fixed version',
      (u) => ({
        PropertyValues: [
          cls(1),
          title('t'),
          { PropertyDef: 1010, TypedValue: { DataType: 9, Lookup: { Item: 1, Version: 2 } } },
        ],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /Version -1/,
    ],
    [
      'a missing required property',
      (u) => ({ PropertyValues: [cls(10), title('t')], Files: [{ UploadID: u, Title: 'f' }] }),
      /"Invoice number" \(1001\) is required in class "Invoice"/,
    ],
    [
      'a missing title',
      (u) => ({ PropertyValues: [cls(1)], Files: [{ UploadID: u, Title: 'f' }] }),
      /"Name or title" \(0\) is required/,
    ],
    [
      'single file with two files',
      (u) => ({
        PropertyValues: [cls(1), title('t'), single(true)],
        Files: [
          { UploadID: u, Title: 'f' },
          { UploadID: u + 1, Title: 'g' },
        ],
      }),
      /exactly one file; this one has 2/,
    ],
    [
      'an unknown upload',
      () => ({ PropertyValues: [cls(1), title('t')], Files: [{ UploadID: 999, Title: 'f' }] }),
      /upload 999 does not exist in this session/,
    ],
    [
      'one upload twice',
      (u) => ({
        PropertyValues: [cls(1), title('t')],
        Files: [
          { UploadID: u, Title: 'f' },
          { UploadID: u, Title: 'f' },
        ],
      }),
      /given twice/,
    ],
    [
      'a wrong size',
      (u) => ({ PropertyValues: [cls(1), title('t')], Files: [{ UploadID: u, Title: 'f', Size: 1 }] }),
      /Size 1 does not match/,
    ],
    [
      'a server-managed property',
      (u) => ({
        PropertyValues: [
          cls(1),
          title('t'),
          { PropertyDef: 20, TypedValue: { DataType: 7, Value: '2026-01-01T00:00:00Z' } },
        ],
        Files: [{ UploadID: u, Title: 'f' }],
      }),
      /set by the server/,
    ],
  ];

  it.each(invalid)('refuses %s with 400 and creates nothing', async (_label, body, message) => {
    const token = await login();
    const u = await upload(token);
    await upload(token);
    const answer = await call('POST', '/REST/objects/0', { token, json: body(u) });
    expect(answer.status).toBe(400);
    expect(answer.json.Exception.Name).toBe('MFilesException');
    expect(answer.json.Message).toMatch(message);
    expect(sim.objects()).toHaveLength(0);
  });

  it('an upload is used once and belongs to its session', async () => {
    const token = await login();
    const u = await upload(token);
    const body = { PropertyValues: [cls(1), title('t'), single(true)], Files: [{ UploadID: u, Title: 'f' }] };
    expect((await call('POST', '/REST/objects/0', { token, json: body })).status).toBe(200);
    expect((await call('POST', '/REST/objects/0', { token, json: body })).json.Message).toMatch(
      /already been used/,
    );
    const other = await login();
    const v = await upload(token);
    expect(
      (
        await call('POST', '/REST/objects/0', {
          token: other,
          json: { ...body, Files: [{ UploadID: v, Title: 'f' }] },
        })
      ).json.Message,
    ).toMatch(/does not exist in this session/);
  });
});
