import { perm, role } from './permission'

export default {
  install(app) {
    app.directive('perm', perm)
    app.directive('role', role)
  }
}

export { hasPerm, hasRole } from './permission'
