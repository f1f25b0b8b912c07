import { fileURLToPath, URL } from 'node:url'
import { defineConfig, loadEnv } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The backend (FastAPI, `make run`) listens on 8888 by default.
const API_TARGET = process.env.VITE_DEV_API_TARGET || 'http://127.0.0.1:8888'

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  return {
    base: '/',
    plugins: [
      vue(),
      // Element Plus components used in templates are imported on demand (tree-shaken JS);
      // the full stylesheet is imported once in main.ts, so no per-component CSS is needed.
      Components({
        dts: false,
        dirs: [],
        resolvers: [ElementPlusResolver({ importStyle: false })]
      })
    ],
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) }
    },
    define: {
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
      __INTLIFY_DROP_MESSAGE_COMPILER__: false,
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false
    },
    server: {
      port: 5173,
      proxy: {
        '/api': { target: API_TARGET, changeOrigin: true }
      }
    },
    preview: {
      port: 4173,
      proxy: {
        '/api': { target: API_TARGET, changeOrigin: true }
      }
    },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: {
        output: {
          // Only libraries that are used whole go to a shared chunk: putting tree-shaken
          // libraries (Element Plus) in a manual chunk would make the bundler keep all of them.
          manualChunks(id) {
            if (/node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify|axios|js-cookie)[\\/]/.test(id)) return 'vendor'
            return undefined
          }
        }
      }
    },
    test: {
      environment: 'jsdom',
      include: ['tests/unit/**/*.spec.js'],
      setupFiles: ['tests/setup.js'],
      env: { VITE_APP_BASE_API: env.VITE_APP_BASE_API || '/api/v1' },
      restoreMocks: true,
      // A page test mounts Element Plus pages in jsdom: seconds on a loaded 2-core CI machine.
      // The limit only stops a hung test; no test asserts on time.
      testTimeout: 30000,
      // Let Vite transform Element Plus in tests too: run by Node directly, its default import
      // of the CommonJS async-validator gets the module object, and form validation silently
      // passes everything.
      server: { deps: { inline: ['element-plus'] } }
    }
  }
})
