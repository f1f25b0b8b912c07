/**
 * Copy text to the clipboard. The async Clipboard API needs a secure context (https or
 * localhost); over plain http on another host fall back to a hidden textarea and execCommand.
 * Resolves true when the text was copied.
 */
export async function copyText(text) {
  const value = String(text ?? '')
  if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(value)
      return true
    } catch {
      /* permission refused: try the old way */
    }
  }
  if (typeof document === 'undefined') return false
  const area = document.createElement('textarea')
  area.value = value
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.top = '-1000px'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  document.body.removeChild(area)
  return ok
}
