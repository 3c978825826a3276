/**
 * Every error the API answers with, made in one place so each has a stable code. Each code
 * is listed in docs/errors.md with how to solve it; test/api/errors.test.ts checks that the
 * list and this file match. Messages name the field or id that is wrong.
 */
import createError from '@fastify/error'

export const CN_ERR_UNAUTHENTICATED = createError<'CN_ERR_UNAUTHENTICATED', 401, [string]>(
  'CN_ERR_UNAUTHENTICATED', '%s needs you signed in: sign in to the web app, or send an API token as "Authorization: Bearer <token>"', 401)
export const CN_ERR_TOKEN_INVALID = createError<'CN_ERR_TOKEN_INVALID', 401, [string]>(
  'CN_ERR_TOKEN_INVALID', 'the API token is not valid: %s', 401)
export const CN_ERR_FORBIDDEN = createError<'CN_ERR_FORBIDDEN', 403, [string, string, string]>(
  'CN_ERR_FORBIDDEN', "role '%s' may not %s (allowed: %s)", 403)
export const CN_ERR_ROUTE_NOT_FOUND = createError<'CN_ERR_ROUTE_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_ROUTE_NOT_FOUND', 'no route %s %s (the list is at /docs)', 404)
export const CN_ERR_VALIDATION = createError<'CN_ERR_VALIDATION', 400, [string]>(
  'CN_ERR_VALIDATION', 'invalid request: %s', 400)
export const CN_ERR_MALFORMED_JSON = createError<'CN_ERR_MALFORMED_JSON', 400, [string]>(
  'CN_ERR_MALFORMED_JSON', 'the request body is not valid JSON: %s', 400)
export const CN_ERR_BAD_REQUEST = createError<'CN_ERR_BAD_REQUEST', 400, [string]>(
  'CN_ERR_BAD_REQUEST', 'bad request: %s', 400)
export const CN_ERR_DEVICE_NOT_FOUND = createError<'CN_ERR_DEVICE_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_DEVICE_NOT_FOUND', "device '%s' not found (field '%s')", 404)
export const CN_ERR_NEIGHBORHOOD_NOT_FOUND = createError<'CN_ERR_NEIGHBORHOOD_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_NEIGHBORHOOD_NOT_FOUND', "neighborhood '%s' not found (field '%s')", 404)
export const CN_ERR_LINK_NOT_FOUND = createError<'CN_ERR_LINK_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_LINK_NOT_FOUND', "fiber link '%s' not found (field '%s')", 404)
export const CN_ERR_TOKEN_NOT_FOUND = createError<'CN_ERR_TOKEN_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_TOKEN_NOT_FOUND', "API token '%s' not found (field '%s')", 404)
export const CN_ERR_REPORT_RUN_NOT_FOUND = createError<'CN_ERR_REPORT_RUN_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_REPORT_RUN_NOT_FOUND', "report run '%s' not found (field '%s')", 404)
export const CN_ERR_INCIDENT_NOT_FOUND = createError<'CN_ERR_INCIDENT_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_INCIDENT_NOT_FOUND', "incident '%s' not found (field '%s')", 404)
export const CN_ERR_INCIDENT_CLOSED = createError<'CN_ERR_INCIDENT_CLOSED', 409, [number]>(
  'CN_ERR_INCIDENT_CLOSED', 'incident %d is closed: service is back, there is no restore time to expect', 409)
export const CN_ERR_INCIDENT_STATE = createError<'CN_ERR_INCIDENT_STATE', 409, [string]>(
  'CN_ERR_INCIDENT_STATE', '%s', 409)
export const CN_ERR_INCIDENT_INPUT = createError<'CN_ERR_INCIDENT_INPUT', 400, [string, string]>(
  'CN_ERR_INCIDENT_INPUT', "field '%s': %s", 400)
export const CN_ERR_REPORT_ATTACHED = createError<'CN_ERR_REPORT_ATTACHED', 409, [string, number]>(
  'CN_ERR_REPORT_ATTACHED', 'report %s is part of incident %d already', 409)
export const CN_ERR_TOO_MANY_EXPORTS = createError<'CN_ERR_TOO_MANY_EXPORTS', 429, [number, number, number]>(
  'CN_ERR_TOO_MANY_EXPORTS', 'too many open-data files asked from this address (%d in %d min): try again in %d s, or use a token', 429)
export const CN_ERR_REPORT_PLACE = createError<'CN_ERR_REPORT_PLACE', 400, [string, string]>(
  'CN_ERR_REPORT_PLACE', "field '%s': %s", 400)
export const CN_ERR_REPORT_REFUSED = createError<'CN_ERR_REPORT_REFUSED', 400, []>(
  'CN_ERR_REPORT_REFUSED', 'the report was not accepted', 400)
export const CN_ERR_TOO_MANY_REPORTS = createError<'CN_ERR_TOO_MANY_REPORTS', 429, [number, number, number]>(
  'CN_ERR_TOO_MANY_REPORTS', 'too many reports from this address (%d in %d min): try again in %d s', 429)
export const CN_ERR_REPORT_NOT_FOUND = createError<'CN_ERR_REPORT_NOT_FOUND', 404, [string]>(
  'CN_ERR_REPORT_NOT_FOUND', "no report has the tracking number '%s'", 404)
export const CN_ERR_BAD_RANGE = createError<'CN_ERR_BAD_RANGE', 400, [string]>(
  'CN_ERR_BAD_RANGE', 'bad time range: %s', 400)
export const CN_ERR_TOO_MANY_POINTS = createError<'CN_ERR_TOO_MANY_POINTS', 400, [number, number, number]>(
  'CN_ERR_TOO_MANY_POINTS', "field 'stepMs' would return %d points per series (limit %d): use stepMs >= %d or a shorter range", 400)
export const CN_ERR_BAD_SERIES_TARGET = createError<'CN_ERR_BAD_SERIES_TARGET', 400, [string]>(
  'CN_ERR_BAD_SERIES_TARGET', 'bad series target: %s', 400)
export const CN_ERR_BAD_URL = createError<'CN_ERR_BAD_URL', 400, [string]>(
  'CN_ERR_BAD_URL', 'the URL is not valid: %s', 400)
export const CN_ERR_URL_TOO_LONG = createError<'CN_ERR_URL_TOO_LONG', 414, [string]>(
  'CN_ERR_URL_TOO_LONG', 'the URL is too long: %s', 414)
export const CN_ERR_HOST_NOT_ALLOWED = createError<'CN_ERR_HOST_NOT_ALLOWED', 421, [string, string]>(
  'CN_ERR_HOST_NOT_ALLOWED', "host '%s' is not a name of this server (allowed: %s; set CIVICNET_ALLOWED_HOSTS)", 421)
export const CN_ERR_BODY_TOO_LARGE = createError<'CN_ERR_BODY_TOO_LARGE', 413, [number]>(
  'CN_ERR_BODY_TOO_LARGE', 'the request body is over %d bytes', 413)
export const CN_ERR_UNSUPPORTED_MEDIA_TYPE = createError<'CN_ERR_UNSUPPORTED_MEDIA_TYPE', 415, [string]>(
  'CN_ERR_UNSUPPORTED_MEDIA_TYPE', "content type '%s' is not accepted: send application/json", 415)
export const CN_ERR_TOO_MANY_AUTH_FAILURES = createError<'CN_ERR_TOO_MANY_AUTH_FAILURES', 429, [number, number]>(
  'CN_ERR_TOO_MANY_AUTH_FAILURES', 'too many failed authentications from this address (%d in a row): try again in %d s', 429)
export const CN_ERR_BACKUP_UNAVAILABLE = createError<'CN_ERR_BACKUP_UNAVAILABLE', 409, []>(
  'CN_ERR_BACKUP_UNAVAILABLE', 'this CivicNet process makes no backups: run civicnet backup where the data dir is (civicnet demo and civicnet serve make them)', 409)
export const CN_ERR_BACKUP_RUNNING = createError<'CN_ERR_BACKUP_RUNNING', 409, [string]>(
  'CN_ERR_BACKUP_RUNNING', '%s', 409)
export const CN_ERR_SIGNIN_REFUSED = createError<'CN_ERR_SIGNIN_REFUSED', 401, []>(
  'CN_ERR_SIGNIN_REFUSED', 'wrong username or password', 401)
export const CN_ERR_SIGNIN_LOCKED = createError<'CN_ERR_SIGNIN_LOCKED', 429, [string]>(
  'CN_ERR_SIGNIN_LOCKED', '%s', 429)
export const CN_ERR_SIGNIN_EXPIRED = createError<'CN_ERR_SIGNIN_EXPIRED', 401, []>(
  'CN_ERR_SIGNIN_EXPIRED', 'this sign-in has expired or is not valid any more: sign in again', 401)
export const CN_ERR_MFA_CODE_INVALID = createError<'CN_ERR_MFA_CODE_INVALID', 401, [string]>(
  'CN_ERR_MFA_CODE_INVALID', '%s', 401)
export const CN_ERR_SESSION_ENDED = createError<'CN_ERR_SESSION_ENDED', 401, [string]>(
  'CN_ERR_SESSION_ENDED', 'your session has ended (%s): sign in again', 401)
export const CN_ERR_PASSWORD_CHANGE_REQUIRED = createError<'CN_ERR_PASSWORD_CHANGE_REQUIRED', 403, [string]>(
  'CN_ERR_PASSWORD_CHANGE_REQUIRED', 'change your one-time password before %s', 403)
export const CN_ERR_PASSWORD_POLICY = createError<'CN_ERR_PASSWORD_POLICY', 400, [string]>(
  'CN_ERR_PASSWORD_POLICY', 'the new password is refused: %s', 400)
export const CN_ERR_WRONG_PASSWORD = createError<'CN_ERR_WRONG_PASSWORD', 401, [string]>(
  'CN_ERR_WRONG_PASSWORD', '%s', 401)
export const CN_ERR_CSRF = createError<'CN_ERR_CSRF', 403, [string]>(
  'CN_ERR_CSRF', 'refused as a possible cross-site request forgery: %s', 403)
export const CN_ERR_USER_NOT_FOUND = createError<'CN_ERR_USER_NOT_FOUND', 404, [string, string]>(
  'CN_ERR_USER_NOT_FOUND', "user '%s' not found (field '%s')", 404)
export const CN_ERR_USER_INPUT = createError<'CN_ERR_USER_INPUT', 400, [string, string]>(
  'CN_ERR_USER_INPUT', "field '%s': %s", 400)
export const CN_ERR_USER_CONFLICT = createError<'CN_ERR_USER_CONFLICT', 409, [string]>(
  'CN_ERR_USER_CONFLICT', '%s', 409)
export const CN_ERR_OIDC_UNAVAILABLE = createError<'CN_ERR_OIDC_UNAVAILABLE', 404, []>(
  'CN_ERR_OIDC_UNAVAILABLE', "sign-in with the city's account is not set up on this server (CIVICNET_OIDC_ISSUER)", 404)
/** Every 5xx answers with this code and the message "Internal Server Error"; the log has the cause. */
export const CN_ERR_INTERNAL = createError<'CN_ERR_INTERNAL', 500, []>(
  'CN_ERR_INTERNAL', 'Internal Server Error', 500)

