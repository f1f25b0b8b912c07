// The department tree as the pages use it: picker options, lookups and the subtree of a node.
// The API answers the tree already built (root nodes with `children`, siblings in order), so
// nothing here rebuilds it from rows; these only walk it.
import type { Dept } from './api'

/** A node of an el-tree-select / el-tree: the department's id and name. */
export interface DeptOption {
  value: number
  label: string
  disabled?: boolean
  children: DeptOption[]
}

type Node = Pick<Dept, 'id' | 'name'> & { status?: number; children?: Node[] | null }

/** Every node of the tree, depth first (parents before their children). */
export function flattenDepts<T extends Node>(nodes: T[] | null | undefined): T[] {
  const out: T[] = []
  const walk = (list: T[] | null | undefined) => {
    for (const node of list || []) {
      out.push(node)
      walk(node.children as T[] | null | undefined)
    }
  }
  walk(nodes)
  return out
}

/** The node `id`, or null. */
export function findDept<T extends Node>(nodes: T[] | null | undefined, id: number | null | undefined): T | null {
  if (id === null || id === undefined) return null
  return flattenDepts(nodes).find((n) => n.id === id) || null
}

/** The ids of `node` and of everything below it. */
export function subtreeIds(node: Node | null | undefined): number[] {
  return node ? flattenDepts([node]).map((n) => n.id) : []
}

/**
 * Options for a department picker: the tree as `{value, label, children}`, without the node
 * `exclude` and its subtree (a department cannot move under itself or a descendant), and with
 * `current` (the value the form holds, `{id, name}`) added as a root option when the tree does
 * not hold it (a disabled department, or one outside the caller's data scope), so that the
 * picker shows its name rather than a bare id.
 */
export function deptOptions(
  nodes: Node[] | null | undefined,
  { exclude = null, current = null }: { exclude?: number | null; current?: { id: number | null | undefined; name?: string | null } | null } = {}
): DeptOption[] {
  const strip = (list: Node[] | null | undefined): DeptOption[] =>
    (list || []).filter((n) => n.id !== exclude).map((n) => ({ value: n.id, label: n.name, children: strip(n.children) }))
  const options = strip(nodes)
  const id = current && current.id
  if (id && id !== exclude && !findDept(nodes, id)) options.push({ value: id, label: (current && current.name) || `#${id}`, disabled: true, children: [] })
  return options
}

/**
 * The ids ticked after a click on `node` in a checkable tree whose boxes are independent
 * (`check-strictly`), when ticking links a node with its subtree: ticking a department ticks
 * everything below it, unticking unticks it. Ancestors are left alone, since a custom data
 * scope is exactly the departments ticked.
 */
export function cascadeCheck(ticked: Iterable<number>, node: Node, checked: boolean): number[] {
  const out = new Set(ticked)
  for (const id of subtreeIds(node)) {
    if (checked) out.add(id)
    else out.delete(id)
  }
  return [...out]
}
