// Admin token: kept in sessionStorage ("understudy.token") and asked for with an inline
// form (never a dialog) when the API answers 401.

const KEY = "understudy.token";

// Used only when sessionStorage is unavailable (disabled storage, some private modes):
// then the token lives only as long as this page does not reload.
let memoryToken = "";
let storageWorks = true;

export function getToken() {
  if (!storageWorks) return memoryToken;
  try {
    return sessionStorage.getItem(KEY) || "";
  } catch {
    storageWorks = false;
    return memoryToken;
  }
}

function storeToken(token) {
  memoryToken = token;
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    storageWorks = false;
  }
}

/**
 * Wires the token form. `onToken()` runs after the user submitted a token.
 * Returns `requestToken(usedToken)`, to call on a 401: it shows the form (once), and
 * forgets the stored token when that is the one the server just refused.
 */
export function createAuth({ section, form, input, message, hint = "Enter the admin token (server.admin.token)." }, onToken) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      message.textContent = hint;
      input.focus();
      return;
    }
    storeToken(token);
    input.value = "";
    section.hidden = true;
    onToken();
  });

  return function requestToken(usedToken) {
    const refused = Boolean(usedToken) && usedToken === getToken();
    if (refused) storeToken("");
    if (!section.hidden && !refused) return;
    message.textContent = refused
      ? "The server refused this token. Enter the admin token again."
      : "This server's admin API needs a bearer token.";
    section.hidden = false;
    input.focus();
  };
}
