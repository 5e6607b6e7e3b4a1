// The helper ships no type declarations; this is the part of its API the node tests use.
declare module 'node-red-node-test-helper' {
  interface TestNode {
    id: string;
    on(event: string, listener: (...args: any[]) => void): void;
    receive(msg: Record<string, unknown>): void;
    [key: string]: any;
  }
  interface NodeTestHelper {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown, flow: unknown[], credentials?: Record<string, unknown>, cb?: () => void): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): TestNode;
    clearFlows(): Promise<void>;
    startServer(done?: (err?: Error) => void): Promise<void>;
    stopServer(done?: (err?: Error) => void): Promise<void>;
    url(): string;
    request(): any;
    settings(userSettings: Record<string, unknown>): void;
    log(): any;
    _RED: any;
    [key: string]: any;
  }
  const helper: NodeTestHelper;
  export = helper;
}
