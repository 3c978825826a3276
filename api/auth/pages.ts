/**
 * The web app's pages and the roles that may use each, in one place: GET /api/session
 * answers the list for the caller, and the web app offers exactly those. The routes a page
 * calls admit the same roles (the route table in test/api/auth.test.ts holds both to it);
 * the public pages need no sign-in. app.ts serves each page's document at its path.
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
  /** its document in the web build (web/build.mjs), or null when the server renders it (status/) */
  document: string | null
}

export const PAGES: readonly Page[] = Object.freeze([
  { id: 'map', path: '/', title: 'Map', roles: ['public', 'engineer', 'analyst', 'planner'], document: 'index.html' },
  { id: 'status', path: '/status', title: 'Status', roles: ['public', 'engineer', 'analyst', 'planner'], document: null },
  { id: 'operations', path: '/operations', title: 'Operations', roles: ['engineer', 'analyst'], document: 'operations.html' },
  { id: 'report', path: '/report', title: 'Grant report', roles: ['analyst'], document: 'report.html' },
  { id: 'planning', path: '/planning', title: 'Planning', roles: ['planner', 'analyst'], document: 'planning.html' },
  { id: 'users', path: '/users', title: 'Users and audit', roles: [], document: 'users.html' },
])

export const PageInfo = Type.Object({ id: Type.String(), path: Type.String(), title: Type.String() }, { additionalProperties: false })

export function pagesFor(scope: Scope): { id: string; path: string; title: string }[] {
  return PAGES.filter((p) => p.roles.includes('public') || admits(p.roles, scope)).map(({ id, path, title }) => ({ id, path, title }))
}
