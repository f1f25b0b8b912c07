// Menu icons resolve from the whole Element Plus set (loaded apart from the login page's chunk).
import { describe, it, expect } from 'vitest'
import { Setting, Ticket } from '@element-plus/icons-vue'
import { iconNames, resolveIcon } from '@/components/AppIcon/icons'

describe('menu icons', () => {
  it('resolve by name, RuoYi alias or kebab-case, and nothing for an unknown name', () => {
    expect(resolveIcon('Ticket').name).toBe(Ticket.name)
    expect(resolveIcon('system').name).toBe(Setting.name)
    expect(resolveIcon('ice-cream-round').name).toBe('IceCreamRound')
    expect(resolveIcon('no-such-icon')).toBeNull()
    expect(resolveIcon('')).toBeNull()
  })

  it('offer the whole set to the icon picker', () => {
    expect(iconNames.length).toBeGreaterThan(250)
    expect(iconNames).toContain('Watermelon')
  })
})
