/** The printed schema, bundled as text by esbuild's text loader. */
declare module '*.graphql' {
  const sdl: string;
  export default sdl;
}
