import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';

/** Every admin these helpers make has this password. */
export const ADMIN_PASSWORD = 'Admin-pass-123';
let adminCounter = 0;

/** An admin user with the given role ids; returns its email. */
export const createAdmin = async (strapi: Core.Strapi, roleIds: number[]) => {
  adminCounter += 1;
  const email = `admin${adminCounter}@example.test`;
  await strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname: `Admin${adminCounter}`,
    password: ADMIN_PASSWORD,
    isActive: true,
    roles: roleIds,
  });
  return email;
};

export const superAdminRoleId = async (strapi: Core.Strapi) => (await strapi.service('admin::role').getSuperAdmin()).id;

/** A role holding exactly the given admin actions. */
export const createRole = async (strapi: Core.Strapi, name: string, actions: string[]) => {
  const role = await strapi.service('admin::role').create({ name, description: name });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
  );
  return role.id as number;
};

/** Logs in through POST /admin/login and returns the admin JWT. */
export const adminToken = async (app: TestApp, email: string) => {
  const res = await app.http().post('/admin/login').send({ email, password: ADMIN_PASSWORD });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return res.body.data.token as string;
};
