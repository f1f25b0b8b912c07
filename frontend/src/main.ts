import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import 'element-plus/theme-chalk/dark/css-vars.css'
import './styles/index.css'
import { ElLoading } from 'element-plus'

import App from './App.vue'
import router from './router'
import { installGuard } from './router/guard'
import pinia from './store'
import i18n, { getLocale } from './locales'
import directives from './directives'
import { applySettings, loadSettings } from './utils/theme'

document.documentElement.setAttribute('lang', getLocale())
// Dark mode and the theme colour of this browser, on <html> before anything is rendered.
applySettings(loadSettings())

const app = createApp(App)
app.use(pinia)
app.use(i18n)
app.use(ElLoading) // v-loading on tables and cards
app.use(directives) // v-perm, v-role
installGuard(router)
app.use(router)
app.mount('#app')
