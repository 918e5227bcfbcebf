/**
 * Which device is bound to which driver, and so which service may open it:
 * driverd decides (through DriverBroker.Bind), the nucleus remembers and
 * enforces it when a device session is opened. Also the device tree devmgrd
 * published, kept for `rustos devices`.
 */
export interface Binding { bdf: string; driver: string; module: string; service: string }
export interface PublishedNode { bdf: string; modalias: string; description: string }

export class DeviceBindings {
  private readonly byBdf = new Map<string, Binding>();
  tree: PublishedNode[] = [];

  bind(b: Binding): void {
    this.byBdf.set(b.bdf, b);
  }

  get(bdf: string): Binding | undefined {
    return this.byBdf.get(bdf);
  }

  /** The `index`-th device (in BDF order) bound to `driver` for `service`. */
  find(service: string, driver: string, index: number): Binding | undefined {
    return [...this.byBdf.values()].filter((b) => b.service === service && b.driver === driver).sort((a, b) => (a.bdf < b.bdf ? -1 : a.bdf > b.bdf ? 1 : 0))[index];
  }
}
