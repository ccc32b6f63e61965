import { afterImportSchema, describeAction, mailboxActionOf } from '../../../src/actions/after-import-schema';

describe('afterImport', () => {
  it.each<[unknown, unknown]>([
    [undefined, null],
    ['none', null],
    ['markRead', { kind: 'markRead' }],
    ['delete', { kind: 'delete' }],
    [{ move: 'Archive/Imported' }, { kind: 'move', folder: 'Archive/Imported' }],
    [{ category: 'Imported' }, { kind: 'category', name: 'Imported' }],
  ])('%j is %j', (input, action) => {
    expect(mailboxActionOf(afterImportSchema.parse(input))).toEqual(action);
  });

  it.each<[unknown, string]>([
    ['archive', 'must be none, markRead, delete, { move: "Folder/Path" } or { category: "Name" }'],
    [{ move: 'Archive', category: 'X' }, 'must be none, markRead, delete'],
    [{ copy: 'Archive' }, 'must be none, markRead, delete'],
    [{ move: 'Archive//Imported' }, 'must be a folder path like Archive/Imported'],
    [{ category: '  ' }, 'must name a category'],
  ])('rejects %j', (input, message) => {
    const result = afterImportSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('describes actions for logs', () => {
    expect(describeAction({ kind: 'move', folder: 'Archive/Imported' })).toBe('move to Archive/Imported');
    expect(describeAction({ kind: 'category', name: 'Imported' })).toBe('add category "Imported"');
    expect(describeAction({ kind: 'delete' })).toBe('delete (move to Deleted Items)');
    expect(describeAction({ kind: 'markRead' })).toBe('mark read');
  });
});
