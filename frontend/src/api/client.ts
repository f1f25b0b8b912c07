// A typed face of the axios instance: paths, parameters, bodies and answers come from
// `schema.d.ts`, which `make api-types` generates from the backend's OpenAPI document. A route
// renamed, a parameter or field changed in the backend makes `vue-tsc` fail where it is used.
import type { AxiosRequestConfig } from 'axios'
import request from '@/utils/request'
import type { components, paths } from './schema'

/** The API's schemas by name: `Schemas['UserOut']`. */
export type Schemas = components['schemas']

type Prefix = '/api/v1'
type Method = 'get' | 'post' | 'put' | 'delete'

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

/** The paths under the base URL (`/api/v1`) that answer `M`, as the dashboard writes them. */
export type ApiPath<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P extends `${Prefix}${infer R}` ? R : never
}[keyof paths]

type Op<P extends string, M extends Method> = `${Prefix}${P}` extends keyof paths ? Operation<`${Prefix}${P}`, M> : never

type ParametersOf<O> = O extends { parameters: infer X } ? X : never
type PathOf<O> = ParametersOf<O> extends { path: infer A } ? A : never
type QueryOf<O> = ParametersOf<O> extends { query?: infer Q } ? Q : never
type Content<C> = C extends { 'application/json': infer J }
  ? J
  : C extends { 'multipart/form-data': unknown }
    ? FormData
    : C extends { 'application/x-www-form-urlencoded': unknown }
      ? URLSearchParams
      : never
type BodyOf<O> = O extends { requestBody?: never }
  ? never
  : O extends { requestBody: { content: infer C } }
  ? Content<C>
  : O extends { requestBody?: { content: infer C } }
    ? Content<C> | null
    : never

type Answer<R> = R extends { content: { 'application/json': infer J } } ? J : void
type Success<R> = Answer<R[Extract<keyof R, 200 | 201 | 202 | 204>]>
/** What a call answers: the JSON of its 2xx response (the interceptor unwraps `data`). */
export type Answers<O> = O extends { responses: infer R } ? Success<R> : never

type IfAny<T, Yes, No> = [T] extends [never] ? No : Yes

/** Options of one call: `path` when the route has path parameters, `body` when it takes one. */
export type CallOptions<O> = IfAny<PathOf<O>, { path: PathOf<O> }, { path?: undefined }> &
  IfAny<BodyOf<O>, { body: BodyOf<O> }, { body?: undefined }> & {
    query?: IfAny<QueryOf<O>, QueryOf<O>, undefined>
    config?: AxiosRequestConfig
  }

type Rest<O> = object extends CallOptions<O> ? [options?: CallOptions<O>] : [options: CallOptions<O>]

/** `/system/job/{job_id}` with `{job_id: 3}` → `/system/job/3` (each value URL-encoded). */
export function fillPath(path: string, values?: Record<string, string | number>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values && values[name]
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name} of ${path}`)
    return encodeURIComponent(String(value))
  })
}

interface RawOptions {
  path?: Record<string, string | number>
  query?: object
  body?: unknown
  config?: AxiosRequestConfig
}

function call(method: Method, path: string, options?: RawOptions): Promise<unknown> {
  const { path: values, query, body, config } = options || {}
  const init: AxiosRequestConfig = { ...config, method, url: fillPath(path, values) }
  if (query !== undefined) init.params = query
  if (body !== undefined) init.data = body
  // The response interceptor answers the body (or rejects with an ApiError), not the AxiosResponse.
  return request.request(init)
}

function method<M extends Method>(m: M) {
  return <P extends ApiPath<M>>(path: P, ...[options]: Rest<Op<P, M>>): Promise<Answers<Op<P, M>>> =>
    call(m, path, options as RawOptions | undefined) as Promise<Answers<Op<P, M>>>
}

/** `api.get('/permission/user/{user_id}', { path: { user_id } })`: checked against the schema. */
export const api = {
  get: method('get'),
  post: method('post'),
  put: method('put'),
  delete: method('delete')
}

/** The query parameters a route takes (for list filters built by a page). */
export type QueryParams<P extends ApiPath<'get'>> = NonNullable<QueryOf<Op<P, 'get'>>>
/** The JSON body a route takes. */
export type RequestBody<M extends Method, P extends ApiPath<M>> = BodyOf<Op<P, M>>
/** The JSON a route answers. */
export type ResponseOf<M extends Method, P extends ApiPath<M>> = Answers<Op<P, M>>

/**
 * Calls of routes the generated schema does not have yet, typed by hand from the contract
 * (`docs/sessions.md`): `untyped.post<Answer>('/user/token/refresh', { body })`. Once
 * `make api-types` has the routes, they move to `api`.
 */
export const untyped = {
  get: <T>(path: string, options?: RawOptions) => call('get', path, options) as Promise<T>,
  post: <T>(path: string, options?: RawOptions) => call('post', path, options) as Promise<T>,
  put: <T>(path: string, options?: RawOptions) => call('put', path, options) as Promise<T>,
  delete: <T>(path: string, options?: RawOptions) => call('delete', path, options) as Promise<T>
}
