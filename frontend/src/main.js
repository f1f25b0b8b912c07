import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles/index.css'
import { ElLoading } from 'element-plus'

import App from './App.vue'
import router from './router'
import { installGuard } from './router/guard'
import pinia from './store'
import i18n, { getLocale } from './locales'
import directives from './directives'

document.documentElement.setAttribute('lang', getLocale())

const app = createApp(App)
app.use(pinia)
app.use(i18n)
app.use(ElLoading) // v-loading on tables and cards
app.use(directives) // v-perm, v-role
installGuard(router)
app.use(router)
app.mount('#app')
