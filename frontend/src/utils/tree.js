/** Depth-first list of a tree's nodes. */
export function flattenTree(nodes, childrenKey = 'children') {
  const out = []
  const walk = (list) => {
    for (const node of list || []) {
      out.push(node)
      walk(node[childrenKey])
    }
  }
  walk(nodes)
  return out
}

/** Ids of a node's descendants (not the node itself). */
export function descendantIds(node, childrenKey = 'children') {
  return flattenTree(node[childrenKey] || [], childrenKey).map((n) => n.id)
}

/** Map id → parent id for every node in a tree. */
export function parentMap(nodes, childrenKey = 'children') {
  const map = new Map()
  const walk = (list, parentId) => {
    for (const node of list || []) {
      map.set(node.id, parentId)
      walk(node[childrenKey], node.id)
    }
  }
  walk(nodes, null)
  return map
}

/** Ancestor ids of `id`, nearest first. */
export function ancestorIds(id, parents) {
  const out = []
  let current = parents.get(id)
  while (current !== null && current !== undefined) {
    out.push(current)
    current = parents.get(current)
  }
  return out
}

export function sortTree(nodes, key = 'sort', childrenKey = 'children') {
  return (nodes || [])
    .slice()
    .sort((a, b) => (Number(a[key]) || 0) - (Number(b[key]) || 0))
    .map((n) => ({ ...n, [childrenKey]: sortTree(n[childrenKey], key, childrenKey) }))
}
