// Thin localStorage wrapper that never throws (private mode, disabled storage, SSR tests).
export function getItem(key: string): string | null
export function getItem<T>(key: string, fallback: T): string | T
export function getItem(key: string, fallback: unknown = null): unknown {
  try {
    const value = window.localStorage.getItem(key)
    return value === null ? fallback : value
  } catch {
    return fallback
  }
}

export function setItem(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value)
  } catch {
    /* storage unavailable: the preference just won't persist */
  }
}

export function removeItem(key: string): void {
  try {
    window.localStorage.removeItem(key)
  } catch {
    /* ignore */
  }
}
