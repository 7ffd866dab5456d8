// Tests read JSON bodies loosely and assert on them; let fetch's Response.json() return `any` here
// (Node's types say `unknown`, which suits production code, not assertions).
export {};
declare global {
  interface Response {
    json(): Promise<any>;
  }
}
