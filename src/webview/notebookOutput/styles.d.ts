// Stylesheets are bundled into the renderer as text (esbuild's text loader) and put in each output's shadow root.
declare module '*.css' {
  const text: string;
  export default text;
}
