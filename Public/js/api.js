// REST client for the admin API: relative URLs, the bearer token, JSON bodies, and
// {"error","field"} answers turned into thrown ApiError objects.

import { getToken } from "./auth.js";

export class ApiError extends Error {
  constructor(status, error, field) {
    super(field ? `${field}: ${error}` : error);
    this.name = "ApiError";
    this.status = status;
    this.error = error;
    this.field = field;
  }
}

let unauthorizedHandler = () => {};

/** A call that has not answered by then is given up (a stalled connection must not block refreshes forever). */
const TIMEOUT_MS = 15000;

/** `handler(usedToken)` runs whenever a call answers 401. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/**
 * A path segment for a name chosen by users (rule or queue names). "." and ".." (even
 * percent-encoded) are dot segments that every browser's URL parser removes, so such a name
 * cannot be addressed from here: that throws rather than calling another route.
 */
export function segment(name) {
  const value = String(name);
  if (value === "." || value === "..") {
    throw new ApiError(0, `"${value}" cannot be used in a URL from a browser (dot segments are removed); ` +
      `use curl with %2e for each dot`);
  }
  return encodeURIComponent(value);
}

/**
 * Calls the admin API. `body` (any JSON value) is sent as JSON. Resolves with the parsed
 * answer (null when empty); rejects with ApiError (status 0 for network failures).
 */
export async function api(path, { method = "GET", body } = {}) {
  const token = getToken();
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  let text;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: controller.signal,
    });
    text = await response.text();
  } catch (error) {
    throw new ApiError(0, controller.signal.aborted
      ? `no answer from the server within ${TIMEOUT_MS / 1000} s`
      : `cannot reach the server (${error.message})`);
  } finally {
    clearTimeout(timer);
  }

  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string"
      ? data.error
      : `HTTP ${response.status} ${response.statusText}`.trim();
    const field = data && typeof data.field === "string" && data.field ? data.field : undefined;
    const error = new ApiError(response.status, message, field);
    if (response.status === 401) unauthorizedHandler(token);
    throw error;
  }
  return data;
}
