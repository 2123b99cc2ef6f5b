import type { NewTestUser } from './accounts';

/** The browser tests' customer: Ella of Acme Legal. */
export const ella = {
  email: 'ella@acme-legal.example',
  name: 'Ella Jansen',
  password: 'customer-pass-1',
  role: 'customer',
  tenant: 'Acme Legal',
} as const satisfies NewTestUser;

/** The browser tests' Lex team member. */
export const sam = {
  email: 'sam@lex.example',
  name: 'Sam Lex',
  password: 'admin-pass-123',
  role: 'superadmin',
} as const satisfies NewTestUser;
