// Thin localStorage wrapper that never throws (private mode, disabled storage, SSR tests).
export function getItem(key, fallback = null) {
  try {
    const value = window.localStorage.getItem(key)
    return value === null ? fallback : value
  } catch {
    return fallback
  }
}

export function setItem(key, value) {
  try {
    window.localStorage.setItem(key, value)
  } catch {
    /* storage unavailable: the preference just won't persist */
  }
}

export function removeItem(key) {
  try {
    window.localStorage.removeItem(key)
  } catch {
    /* ignore */
  }
}
