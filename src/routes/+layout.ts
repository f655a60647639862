// The app is a client of converge's own APIs (rooms API, collaboration socket): no SSR needed.
export const ssr = false;
export const prerender = false;
