import { describe, it, expect, beforeEach } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import directives, { hasPerm, hasRole } from '@/directives'
import { useUserStore } from '@/store/modules/user'

const Toolbar = {
  template: `
    <div class="toolbar">
      <button class="add" v-perm="['perm:user:post']">add</button>
      <button class="edit" v-perm="['perm:user:put', 'perm:user:patch']">edit</button>
      <button class="remove" v-perm="['perm:user:delete']">delete</button>
      <span class="admin-only" v-role="['admin']">admin</span>
      <span class="ops" v-role="['opt', 'auditor']">ops</span>
      <span class="plain">always</span>
    </div>`
}

let pinia
function mountAs({ roles = [], labels = [] }) {
  const user = useUserStore(pinia)
  user.roles = roles
  user.labels = labels
  return mount(Toolbar, { global: { plugins: [pinia, directives] } })
}

describe('v-perm / v-role directives', () => {
  beforeEach(() => {
    pinia = createPinia()
    setActivePinia(pinia)
  })

  it('keeps an element when the user holds the label and removes it otherwise', () => {
    const wrapper = mountAs({ roles: ['user'], labels: ['perm:user:post', 'perm:user:get'] })
    expect(wrapper.find('.add').exists()).toBe(true)
    expect(wrapper.find('.remove').exists()).toBe(false)
    // removed from the DOM, not merely hidden
    expect(wrapper.element.querySelector('.remove')).toBeNull()
    expect(wrapper.find('.plain').exists()).toBe(true)
  })

  it('treats the label list as any-of', () => {
    const wrapper = mountAs({ roles: ['user'], labels: ['perm:user:patch'] })
    expect(wrapper.find('.edit').exists()).toBe(true)
    expect(wrapper.find('.add').exists()).toBe(false)
  })

  it('lets the admin role through every label and role check', () => {
    const wrapper = mountAs({ roles: ['admin'], labels: [] })
    for (const cls of ['.add', '.edit', '.remove', '.admin-only', '.ops']) {
      expect(wrapper.find(cls).exists(), cls).toBe(true)
    }
  })

  it('removes role-guarded elements for other roles and keeps them for any listed role', () => {
    const wrapper = mountAs({ roles: ['auditor'], labels: [] })
    expect(wrapper.find('.admin-only').exists()).toBe(false)
    expect(wrapper.find('.ops').exists()).toBe(true)
  })

  it('removes everything guarded for a user without roles or labels', () => {
    const wrapper = mountAs({})
    expect(wrapper.findAll('button')).toHaveLength(0)
    expect(wrapper.find('.admin-only').exists()).toBe(false)
    expect(wrapper.find('.plain').exists()).toBe(true)
  })

  it('refuses a value that is not a list of labels', () => {
    const Bad = { template: '<div><button v-perm="42">x</button></div>' }
    useUserStore(pinia).roles = ['user']
    expect(() => mount(Bad, { global: { plugins: [pinia, directives] } })).toThrow(/v-perm/)
  })
})

describe('hasPerm / hasRole', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('answers from the store, any-of, with admin holding everything', () => {
    const user = useUserStore()
    user.roles = ['opt']
    user.labels = ['perm:log:get']
    expect(hasPerm(['perm:log:get'])).toBe(true)
    expect(hasPerm('perm:log:get')).toBe(true)
    expect(hasPerm(['perm:user:delete', 'perm:log:get'])).toBe(true)
    expect(hasPerm(['perm:user:delete'])).toBe(false)
    expect(hasRole(['opt'])).toBe(true)
    expect(hasRole(['admin'])).toBe(false)

    user.roles = ['admin']
    user.labels = []
    expect(hasPerm(['perm:user:delete'])).toBe(true)
    expect(hasRole(['anything'])).toBe(true)
  })
})
