import request from '@/utils/request'

/** Items of one dictionary type: a plain array of {label, value, css_class}, sorted. */
export function getDictItems(typeCode) {
  // Silent: pages fall back to built-in defaults when the dictionary module is unavailable.
  return request.get(`/system/dict/${encodeURIComponent(typeCode)}`, { silent: true })
}
