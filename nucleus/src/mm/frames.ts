/**
 * The physical frame allocator: hands out zeroed 4 KiB frames of PhysicalMemory and
 * counts references, so copy-on-write sharing after fork frees a frame only when its
 * last mapping goes. Frame 0 is never handed out (a zero frame number means "none").
 *
 * Frames that were never allocated are still zero (the RAM buffer starts zeroed and
 * the host commits its pages only when touched), so they are taken in address order
 * without clearing; only recycled frames are zeroed.
 */
import { PAGE_SIZE, type PhysicalMemory } from "../machine/memory.js";
import { ENOMEM } from "./errno.js";

export class FrameAllocator {
  readonly ram: PhysicalMemory;
  /** Frames that can ever be handed out (all but frame 0). */
  readonly total: number;
  /**
   * Called when a frame that holds decoded code is freed, before anything can reuse it:
   * whoever caches decoded blocks per physical address drops that frame's blocks and
   * clears its `ram.codeFrames` bit. Address spaces route their Mmu's onCodeWrite here too.
   */
  onCodeFrame: (frame: number) => void;

  private readonly refs: Int32Array;
  private readonly recycled: Int32Array;
  private recycledCount = 0;
  /** Next never-used frame. */
  private fresh = 1;
  private usedCount = 0;

  constructor(ram: PhysicalMemory) {
    this.ram = ram;
    this.total = ram.frames - 1;
    this.refs = new Int32Array(ram.frames);
    this.recycled = new Int32Array(ram.frames);
    this.onCodeFrame = (frame) => { ram.codeFrames[frame] = 0; };
  }

  get used(): number {
    return this.usedCount;
  }

  get free(): number {
    return this.total - this.usedCount;
  }

  /** A zeroed frame with one reference, or -ENOMEM. */
  allocate(): number {
    let frame: number;
    if (this.recycledCount > 0) {
      frame = this.recycled[--this.recycledCount];
      this.ram.u8.fill(0, frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE);
    } else if (this.fresh < this.ram.frames) {
      frame = this.fresh++;
    } else {
      return -ENOMEM;
    }
    this.refs[frame] = 1;
    this.usedCount++;
    return frame;
  }

  refCount(frame: number): number {
    return this.refs[frame];
  }

  /** One more mapping shares the frame. */
  ref(frame: number): void {
    this.check(frame);
    this.refs[frame]++;
  }

  /** Drops one reference; the last one frees the frame. Returns the references left. */
  unref(frame: number): number {
    this.check(frame);
    const left = --this.refs[frame];
    if (left === 0) {
      if (this.ram.codeFrames[frame] !== 0) this.onCodeFrame(frame);
      this.recycled[this.recycledCount++] = frame;
      this.usedCount--;
    }
    return left;
  }

  /** A bad frame number here is a kernel bug, never guest input: fail loudly. */
  private check(frame: number): void {
    if (!(frame >= 1 && frame < this.refs.length && this.refs[frame] > 0)) {
      throw new RangeError(`frame ${frame} is not allocated`);
    }
  }
}
