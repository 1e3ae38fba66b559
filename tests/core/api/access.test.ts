import { describe, expect, it } from 'vitest';
import { connectedAs, identityOf, whyNotAllowed } from '@/core/api';
import { mayWrite, roleOfKey } from '@/core/api/access';
import { identitySchema } from '@/core/api/api-schema';

describe('what a caller may do (SPEC §12 read-only keys, as SPEC §16 roles)', () => {
  it('makes a read-only key a viewer, any other key an editor, and anyone an editor without keys', () => {
    expect(roleOfKey('read')).toBe('viewer');
    expect(roleOfKey('write')).toBe('editor');
    const answers = [
      identityOf({ name: 'ci', access: 'read' }),
      identityOf({ name: 'bot', access: 'write' }),
      identityOf(null),
    ];
    expect(answers).toEqual([
      { name: 'ci', email: null, role: 'viewer', via: 'key' },
      { name: 'bot', email: null, role: 'editor', via: 'key' },
      { name: null, email: null, role: 'editor', via: 'none' },
    ]);
    for (const answer of answers) expect(identitySchema.parse(answer)).toEqual(answer);
  });

  it('lets editors and admins write, never viewers', () => {
    expect(mayWrite('viewer')).toBe(false);
    expect(mayWrite('editor')).toBe(true);
    expect(mayWrite('admin')).toBe(true);
  });

  it('says why a viewer may not submit or revert, and nothing for a writer or a server that did not say', () => {
    const viewer = identityOf({ name: 'ci', access: 'read' });
    expect(whyNotAllowed(viewer, 'submit')).toBe(
      "The API key 'ci' is read-only: it can find spans and preview, not submit. To submit, enter a key that may write in Settings.",
    );
    expect(whyNotAllowed(viewer, 'revert')).toBe(
      "The API key 'ci' is read-only: it can show what a revert would do, not revert. To revert, enter a key that may write in Settings.",
    );
    for (const identity of [identityOf({ name: 'bot', access: 'write' }), identityOf(null), null]) {
      expect(whyNotAllowed(identity, 'submit')).toBeNull();
      expect(whyNotAllowed(identity, 'revert')).toBeNull();
    }
  });

  it('names the key a connection test found, and says plainly when it is read-only', () => {
    expect(connectedAs(identityOf({ name: 'ci', access: 'read' }))).toEqual({
      as: " as 'ci'",
      readOnly: 'a read-only key: you can find spans and preview, not submit',
    });
    expect(connectedAs(identityOf({ name: 'bot', access: 'write' }))).toEqual({
      as: " as 'bot'",
      readOnly: null,
    });
    expect(connectedAs(identityOf(null))).toEqual({ as: '', readOnly: null });
    expect(connectedAs(null)).toEqual({ as: '', readOnly: null });
  });
});
