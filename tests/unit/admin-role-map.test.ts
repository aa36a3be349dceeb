import { ALL_PERMISSIONS, DEFAULT_SETTINGS, type RoleMap } from '../../contract';
import { toUpdate, type FormValues } from '../../admin/src/utils/form-values';
import { missingRoleTypes, withIdentity, withoutRole, withRule } from '../../admin/src/utils/role-map';

const roles = [
  { type: 'authenticated', name: 'Authenticated', description: '' },
  { type: 'moderator', name: 'Moderator', description: '' },
];
const noVideo = { chat_role: 'user' as const, permissions: { ...ALL_PERMISSIONS, video_calls: false } };

describe('the Roles section\'s edits of the role map', () => {
  it('writes a role the map does not name only once it differs from the default, in full', () => {
    expect(withIdentity({}, {}, 'authenticated', { chat_role: 'user', permissions: { ...ALL_PERMISSIONS } })).toEqual({});
    expect(withIdentity({}, {}, 'authenticated', noVideo)).toEqual({ authenticated: noVideo });
  });

  it('gives back the saved entry, or none, when an edit is undone', () => {
    const saved: RoleMap = { moderator: { chat_role: 'admin' } };
    const edited = withIdentity(saved, saved, 'moderator', { chat_role: 'user', permissions: { ...ALL_PERMISSIONS } });
    expect(edited).toEqual({ moderator: { chat_role: 'user', permissions: ALL_PERMISSIONS } });
    expect(withIdentity(edited, saved, 'moderator', { chat_role: 'admin', permissions: { ...ALL_PERMISSIONS } })).toEqual(saved);
    const added = withIdentity({}, {}, 'authenticated', noVideo);
    expect(withIdentity(added, {}, 'authenticated', { ...noVideo, permissions: { ...ALL_PERMISSIONS } })).toEqual({});
  });

  it('keeps a role type such as "__proto__" an ordinary key', () => {
    const map = withRule({}, '__proto__', { chat_role: 'admin' });
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(withoutRole(map, '__proto__')).toEqual({});
  });

  it('lists the types no role has any more, saved or being edited, and no others', () => {
    const saved: RoleMap = { moderator: { chat_role: 'admin' }, 'old-vip': {}, ghost: {} };
    expect(missingRoleTypes(withoutRole(saved, 'ghost'), saved, roles)).toEqual(['ghost', 'old-vip']);
    expect(missingRoleTypes({}, {}, roles)).toEqual([]);
  });
});

describe('what a save sends for the role map', () => {
  const initial = { ...DEFAULT_SETTINGS, roleMap: { moderator: { chat_role: 'admin', permissions: { video_calls: false } } } } as unknown as FormValues;

  it('leaves out a map equal to the saved one, whatever its key order or copy', () => {
    const copy = { ...initial, roleMap: { moderator: { permissions: { video_calls: false }, chat_role: 'admin' } } } as unknown as FormValues;
    expect(toUpdate(copy, initial, [])).toEqual({});
  });

  it('sends the whole map once it changed, and nothing while it is locked', () => {
    const roleMap: RoleMap = { ...initial.roleMap, authenticated: noVideo };
    expect(toUpdate({ ...initial, roleMap }, initial, [])).toEqual({ roleMap });
    expect(toUpdate({ ...initial, roleMap }, initial, ['roleMap'])).toEqual({});
  });
});
