// The job form's cron builder: expressions from the per-field choices, and parsed back.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import i18n, { setLocale } from '@/locales'
import { buildCron, buildField, defaultCron, parseCron, parseField } from '@/views/system/job/cron'
import CronBuilder from '@/views/system/job/CronBuilder.vue'

describe('cron expressions from the builder', () => {
  it('builds every / range / step / specific for each field', () => {
    const fields = defaultCron()
    expect(buildCron(fields)).toBe('* * * * *')
    fields.minute = { ...fields.minute, type: 'step', start: 0, step: 15 }
    expect(buildCron(fields)).toBe('*/15 * * * *')
    fields.hour = { ...fields.hour, type: 'range', from: 9, to: 17 }
    expect(buildCron(fields)).toBe('*/15 9-17 * * *')
    fields.week = { ...fields.week, type: 'specific', values: [5, 1, 3, 1] }
    expect(buildCron(fields)).toBe('*/15 9-17 * * 1,3,5')
    fields.day = { ...fields.day, type: 'step', start: 2, step: 3 }
    fields.month = { ...fields.month, type: 'specific', values: [12] }
    expect(buildCron(fields)).toBe('*/15 9-17 2/3 12 1,3,5')
    // Seconds other than 0 make it a six-field expression, seconds first.
    fields.second = { ...fields.second, type: 'step', start: 0, step: 30 }
    expect(buildCron(fields)).toBe('*/30 */15 9-17 2/3 12 1,3,5')
  })

  it('keeps values inside the field and never writes an empty field', () => {
    expect(buildField({ type: 'range', from: 20, to: 99 }, 'hour')).toBe('20-23')
    expect(buildField({ type: 'range', from: 5, to: 2 }, 'minute')).toBe('5')
    expect(buildField({ type: 'step', start: 0, step: 0 }, 'minute')).toBe('*/1')
    expect(buildField({ type: 'step', start: 1, step: 2 }, 'day')).toBe('*/2')
    expect(buildField({ type: 'specific', values: [] }, 'month')).toBe('1')
    expect(buildField({ type: 'custom', raw: ' MON-FRI ' }, 'week')).toBe('MON-FRI')
  })
})

describe('cron expressions parsed back', () => {
  it('reads each kind of field', () => {
    expect(parseField('*', 'minute').type).toBe('every')
    expect(parseField('?', 'day').type).toBe('every')
    expect(parseField('*/5', 'minute')).toMatchObject({ type: 'step', start: 0, step: 5 })
    expect(parseField('10/5', 'minute')).toMatchObject({ type: 'step', start: 10, step: 5 })
    expect(parseField('1-5', 'week')).toMatchObject({ type: 'range', from: 1, to: 5 })
    expect(parseField('3,1,7', 'week')).toMatchObject({ type: 'specific', values: [0, 1, 3] })
    // What the builder cannot show stays as written.
    for (const text of ['MON-FRI', '1-5/2', '1,3-5', '60', '5-1', '?']) {
      const key = text === '?' ? 'minute' : text === '60' ? 'minute' : 'week'
      expect(parseField(text, key)).toMatchObject({ type: 'custom', raw: text })
    }
  })

  it('round-trips the presets and typical expressions', () => {
    for (const expr of ['* * * * *', '*/5 * * * *', '0 * * * *', '0 3 * * *', '0 3 * * 1', '0 0 1 * *', '*/30 * * * * *', '15 10 * 1-6 1,3,5', '0 9-17/2 * * MON-FRI']) {
      expect(buildCron(parseCron(expr))).toBe(expr)
    }
    // Six fields whose seconds are 0 are the same schedule as five.
    expect(buildCron(parseCron('0 30 2 * * *'))).toBe('30 2 * * *')
    expect(parseCron('0 3 * * *').second).toMatchObject({ type: 'specific', values: [0] })
    expect(parseCron('* * *')).toBeNull()
    expect(parseCron('')).toBeNull()
  })
})

describe('the builder component', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    setLocale('en')
  })

  async function mountBuilder(value) {
    const updates = []
    const wrapper = mount(CronBuilder, {
      props: { modelValue: value, 'onUpdate:modelValue': (v) => { updates.push(v); wrapper.setProps({ modelValue: v }) } },
      global: { plugins: [i18n] },
      attachTo: document.body
    })
    await flushPromises()
    return { wrapper, updates }
  }

  it('shows the expression in its tabs and writes the choices back', { timeout: 20_000 }, async () => {
    const { wrapper, updates } = await mountBuilder('*/15 9-17 * * 1,3,5')
    expect(wrapper.findAll('.el-tabs__item').map((t) => t.text())).toEqual(['Second', 'Minute', 'Hour', 'Day', 'Month', 'Weekday'])
    const pane = (key) => wrapper.find(`.cron-pane-${key}`)
    const checked = (key) => pane(key).find('.el-radio.is-checked').attributes('data-type')
    expect(checked('minute')).toBe('step')
    expect(checked('hour')).toBe('range')
    expect(checked('week')).toBe('specific')
    expect(checked('second')).toBe('specific')

    // Hours: every hour.
    await pane('hour').find('.el-radio[data-type="every"] input').setValue(true)
    await flushPromises()
    expect(updates.at(-1)).toBe('*/15 * * * 1,3,5')
    // Weekdays: tick Saturday too.
    await pane('week').find('.cron-value[data-value="6"] input').setValue(true)
    await flushPromises()
    expect(updates.at(-1)).toBe('*/15 * * * 1,3,5,6')
    // A new expression from outside (a preset, typing) is shown.
    await wrapper.setProps({ modelValue: '0 3 * * *' })
    await flushPromises()
    expect(checked('hour')).toBe('specific')
    expect(checked('minute')).toBe('specific')
    wrapper.unmount()
  })

  it('says when the text box holds something it cannot show, in both languages', { timeout: 20_000 }, async () => {
    const { wrapper } = await mountBuilder('0 9 * * MON-FRI')
    expect(wrapper.find('.cron-pane-week').text()).toContain('MON-FRI')
    await wrapper.setProps({ modelValue: 'not a cron' })
    expect(wrapper.find('.cron-builder-note').text()).toContain('5 or 6 fields')
    setLocale('zh-CN')
    await flushPromises()
    expect(wrapper.find('.cron-builder-note').text()).toContain('5 或 6 个字段')
    expect(wrapper.findAll('.el-tabs__item').map((t) => t.text())).toEqual(['秒', '分钟', '小时', '日', '月', '周'])
    wrapper.unmount()
  })
})
