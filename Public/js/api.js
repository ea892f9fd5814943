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

/** `handler(usedToken)` runs whenever a call answers 401. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** A path segment for a name chosen by users (rule or queue names). */
export const segment = (name) => encodeURIComponent(name);

/**
 * Calls the admin API. `body` (any JSON value) is sent as JSON. Resolves with the parsed
 * answer (null when empty); rejects with ApiError (status 0 for network failures).
 */
export async function api(path, { method = "GET", body } = {}) {
  const token = getToken();
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";

  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, `cannot reach the server (${error.message})`);
  }

  const text = await response.text();
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
