/**
 * Counts simultaneous exec channels of an SSH connection (sshd refuses more than MaxSessions per
 * connection): acquire() resolves with a release function once a slot is free, in the order
 * asked; releasing twice frees one slot.
 */
export class ChannelSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
