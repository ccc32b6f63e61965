import { randomUUID } from 'node:crypto';
import { startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import { CLIENT_ID, graphClient, secretToken, SECRET, TENANT, UPN, type GraphClient } from './graph-helpers';

interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  childFolderCount: number;
  unreadItemCount: number;
  totalItemCount: number;
  isHidden: boolean;
}
interface FolderPage {
  value: Folder[];
  '@odata.nextLink'?: string;
}
interface GraphErrorBody {
  error: { code: string; message: string; innerError: Record<string, string> };
}

const RESTRICTED_CLIENT = 'dddddddd-0000-0000-0000-000000000003';
const OTHER_UPN = 'ceo@contoso.example';

describe('graph simulator: mail folders and Graph errors', () => {
  let sim: GraphSimulator;
  let client: GraphClient;
  let invoicesId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.registerApp({
      tenantId: TENANT,
      clientId: RESTRICTED_CLIENT,
      clientSecret: SECRET,
      mailboxes: [UPN],
    });
    sim.addMailbox(UPN);
    sim.addMailbox(OTHER_UPN);
    invoicesId = sim.ensureFolder(UPN, 'inbox/Invoices').id;
    sim.ensureFolder(UPN, "Inbox/Bob's Receipts");
    sim.ensureFolder(UPN, 'Inbox/Invoices/2024');
    sim.ensureFolder(UPN, 'Inbox/Secret', { hidden: true });
    sim.addMessage(UPN, 'Inbox/Invoices', Buffer.from('Subject: one\r\n\r\nbody\r\n'));
    sim.addMessage(UPN, 'Inbox/Invoices', Buffer.from('Subject: two\r\n\r\nbody\r\n'), { isRead: true });
    client = graphClient(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  it('lists the well-known top-level folders under msgfolderroot', async () => {
    const page = await client.json<FolderPage>(`/users/${UPN}/mailFolders?$top=50`);
    const names = page.value.map((f) => f.displayName);
    expect(names).toEqual(
      expect.arrayContaining([
        'Inbox',
        'Archive',
        'Deleted Items',
        'Drafts',
        'Sent Items',
        'Junk Email',
        'Outbox',
        'Conversation History',
      ]),
    );
    const root = await client.json<Folder>(`/users/${UPN}/mailFolders/msgfolderroot`);
    expect(page.value.every((f) => f.parentFolderId === root.id)).toBe(true);
    const inbox = page.value.find((f) => f.displayName === 'Inbox') as Folder;
    expect(Object.keys(inbox).sort()).toEqual(
      [
        'childFolderCount',
        'displayName',
        'id',
        'isHidden',
        'parentFolderId',
        'totalItemCount',
        'unreadItemCount',
      ].sort(),
    );
  });

  it('pages folder lists with $top and a nextLink', async () => {
    const first = await client.json<FolderPage>(`/users/${UPN}/mailFolders?$top=3`);
    expect(first.value).toHaveLength(3);
    expect(first['@odata.nextLink']).toBeDefined();
    const second = await client.json<FolderPage>(first['@odata.nextLink'] as string);
    expect(second.value[0]?.id).not.toBe(first.value[0]?.id);
  });

  it("resolves well-known names in any case and the mailfolders('{id}') form", async () => {
    const a = await client.json<Folder>(`/users/${UPN}/mailFolders/INBOX`);
    const b = await client.json<Folder>(`/users/${UPN}/mailfolders('inbox')`);
    const c = await client.json<Folder>(`/users/${UPN}/mailfolders('${a.id}')`);
    expect(b.id).toBe(a.id);
    expect(c.displayName).toBe('Inbox');
    expect(a.childFolderCount).toBe(3); // Invoices, Bob's Receipts and the hidden Secret
  });

  it('filters child folders by displayName with an escaped quote, case-insensitively', async () => {
    const filter = encodeURIComponent("displayName eq 'bob''s receipts'");
    const page = await client.json<FolderPage>(
      `/users/${UPN}/mailFolders/inbox/childFolders?$filter=${filter}`,
    );
    expect(page.value.map((f) => f.displayName)).toEqual(["Bob's Receipts"]);

    const invoices = await client.json<FolderPage>(
      `/users/${UPN}/mailFolders/inbox/childFolders?$filter=${encodeURIComponent("displayName eq 'Invoices'")}`,
    );
    expect(invoices.value[0]).toMatchObject({
      id: invoicesId,
      totalItemCount: 2,
      unreadItemCount: 1,
      childFolderCount: 1,
    });

    // An unescaped quote is a malformed filter, as on Graph.
    const bad = await client.get(
      `/users/${UPN}/mailFolders/inbox/childFolders?$filter=${encodeURIComponent("displayName eq 'Bob's Receipts'")}`,
    );
    expect(bad.status).toBe(400);
  });

  it('hides hidden folders unless includeHiddenFolders=true', async () => {
    const visible = await client.json<FolderPage>(`/users/${UPN}/mailFolders/inbox/childFolders`);
    expect(visible.value.map((f) => f.displayName)).not.toContain('Secret');
    const all = await client.json<FolderPage>(
      `/users/${UPN}/mailFolders/inbox/childFolders?includeHiddenFolders=true`,
    );
    expect(all.value.map((f) => f.displayName)).toContain('Secret');
  });

  it('addresses users by UPN in any case and by user id', async () => {
    const byUpper = await client.json<Folder>(`/users/${UPN.toUpperCase()}/mailFolders/inbox`);
    const user = await client.json<{ id: string; userPrincipalName: string }>(`/users/${UPN}`);
    expect(user.userPrincipalName).toBe(UPN);
    const byId = await client.json<Folder>(`/users/${user.id.toUpperCase()}/mailFolders/inbox`);
    expect(byId.id).toBe(byUpper.id);
  });

  it('uses Graph error bodies: 401 without token, 404 unknown user/folder, 400 malformed id and /me', async () => {
    const noToken = await fetch(`${sim.graphEndpoint}/v1.0/users/${UPN}/mailFolders`, {
      headers: { 'client-request-id': 'abc-123' },
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await noToken.json()) as GraphErrorBody;
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['client-request-id']).toBe('abc-123');
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const unknownUser = await client.get(`/users/nobody@contoso.example/mailFolders`);
    expect(unknownUser.status).toBe(404);
    expect(((await unknownUser.json()) as GraphErrorBody).error.code).toBe('ErrorInvalidUser');

    const unknownFolder = await client.get(`/users/${UPN}/mailFolders/AQMkADAwATM0MDAAMS1doesnotexistAAA=`);
    expect(unknownFolder.status).toBe(404);
    expect(((await unknownFolder.json()) as GraphErrorBody).error.code).toBe('ErrorItemNotFound');

    // A display name is not an id.
    const byName = await client.get(`/users/${UPN}/mailFolders/Invoices`);
    expect(byName.status).toBe(400);
    expect(((await byName.json()) as GraphErrorBody).error.code).toBe('ErrorInvalidIdMalformed');

    const me = await client.get('/me/mailFolders');
    expect(me.status).toBe(400);

    const unknownRoute = await client.get(`/users/${UPN}/calendars`);
    expect(unknownRoute.status).toBe(404);
    const wrongMethod = await client.send('DELETE', `/users/${UPN}/mailFolders/inbox`);
    expect(wrongMethod.status).toBe(405);
  });

  it('applies the application access policy: 403 ErrorAccessDenied outside the allowed mailboxes', async () => {
    const restricted = graphClient(sim, await secretToken(sim, RESTRICTED_CLIENT));
    expect((await restricted.get(`/users/${UPN}/mailFolders`)).status).toBe(200);
    const denied = await restricted.get(`/users/${OTHER_UPN}/mailFolders`);
    expect(denied.status).toBe(403);
    const body = (await denied.json()) as GraphErrorBody;
    expect(body.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access to OData is disabled.' });
  });

  it('rejects tokens it never issued', async () => {
    const bogus = graphClient(sim, randomUUID());
    expect((await bogus.get(`/users/${UPN}/mailFolders`)).status).toBe(401);
  });
});
