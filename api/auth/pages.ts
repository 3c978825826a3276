/**
 * The web app's pages and the roles that may use each, in one place: GET /api/session
 * answers the list for the caller, and the web app offers exactly those. The routes a page
 * calls admit the same roles (the route table in test/api/auth.test.ts holds both to it);
 * the public pages need no sign-in.
 */
import { Type } from '@sinclair/typebox'
import { admits } from './guard.ts'
import type { Scope } from './tokens.ts'

export interface Page {
  id: string
  path: string
  title: string
  /** roles admitted besides admin; 'public' means everyone */
  roles: readonly Scope[]
}

export const PAGES: readonly Page[] = Object.freeze([
  { id: 'map', path: '/', title: 'Map', roles: ['public', 'engineer', 'analyst', 'planner'] },
  { id: 'status', path: '/status', title: 'Status', roles: ['public', 'engineer', 'analyst', 'planner'] },
  { id: 'operations', path: '/operations', title: 'Operations', roles: ['engineer', 'analyst'] },
  { id: 'report', path: '/report', title: 'Grant report', roles: ['analyst'] },
  { id: 'planning', path: '/planning', title: 'Planning', roles: ['planner', 'analyst'] },
  { id: 'users', path: '/users', title: 'Users and audit', roles: [] },
])

export const PageInfo = Type.Object({ id: Type.String(), path: Type.String(), title: Type.String() }, { additionalProperties: false })

export function pagesFor(scope: Scope): { id: string; path: string; title: string }[] {
  return PAGES.filter((p) => p.roles.includes('public') || admits(p.roles, scope)).map(({ id, path, title }) => ({ id, path, title }))
}
