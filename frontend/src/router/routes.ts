// Routes that exist for everyone; the menu routes are added after sign-in (see permission store).
import type { RouteRecordRaw } from 'vue-router'

const Layout = () => import('@/layout/index.vue')

export const constantRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'Login',
    component: () => import('@/views/login/index.vue'),
    meta: { titleKey: 'route.login', hidden: true }
  },
  {
    path: '/register',
    name: 'Register',
    component: () => import('@/views/register/index.vue'),
    meta: { titleKey: 'route.register', hidden: true }
  },
  {
    path: '/register/:token',
    name: 'RegisterConfirm',
    component: () => import('@/views/register/confirm.vue'),
    meta: { titleKey: 'route.registerConfirm', hidden: true }
  },
  {
    path: '/forget-password',
    name: 'ForgetPassword',
    component: () => import('@/views/forget-password/index.vue'),
    meta: { titleKey: 'route.forgetPassword', hidden: true }
  },
  {
    path: '/reset-password/:token',
    name: 'ResetPassword',
    component: () => import('@/views/reset-password/index.vue'),
    meta: { titleKey: 'route.resetPassword', hidden: true }
  },
  {
    path: '/confirm-email/:token',
    name: 'ConfirmEmail',
    component: () => import('@/views/confirm-email/index.vue'),
    meta: { titleKey: 'route.confirmEmail', hidden: true }
  },
  {
    path: '/no-role',
    name: 'NoRole',
    component: () => import('@/views/error/no-role.vue'),
    meta: { titleKey: 'route.noRole', hidden: true }
  },
  {
    path: '/',
    component: Layout,
    redirect: '/index',
    children: [
      {
        path: 'index',
        name: 'Dashboard',
        component: () => import('@/views/dashboard/index.vue'),
        meta: { titleKey: 'route.dashboard', icon: 'HomeFilled', affix: true }
      },
      {
        path: 'profile',
        name: 'Profile',
        component: () => import('@/views/profile/index.vue'),
        meta: { titleKey: 'route.profile', hidden: true }
      },
      {
        // A page that exists but that the user's menus do not open: 403 inside the layout,
        // at the address asked for. The guard sends here (by name) only for known pages;
        // every other unknown path goes to NotFound below.
        path: '/:pathMatch(.*)*',
        name: 'Forbidden',
        component: () => import('@/views/error/403.vue'),
        meta: { titleKey: 'route.forbidden', hidden: true }
      }
    ]
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'NotFound',
    component: () => import('@/views/error/404.vue'),
    meta: { titleKey: 'route.notFound', hidden: true }
  }
]
