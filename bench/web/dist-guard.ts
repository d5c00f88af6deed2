// Keeps the measured web UI the one the bench built. The tree is shared: a browser suite run
// meanwhile may rebuild web/dist, and under vitest (NODE_ENV=test) that build is React's
// development one. Before each visit the bench puts its own build back; a visit during which
// web/dist changed is measured again.
import { buildWebUi, distFingerprint } from './bundle.js';

/** Watches web/dist for builds other than the bench's own. */
export class DistGuard {
  /** How often web/dist had been replaced by another build. */
  replaced = 0;

  private constructor(
    private readonly distDir: string,
    private readonly fingerprint: string,
    private readonly canRebuild: boolean,
    private readonly log: (line: string) => void,
  ) {}

  /** Remembers web/dist as it is now; `canRebuild` false (--no-build) makes a change fatal. */
  static async watch(
    distDir: string,
    canRebuild: boolean,
    log: (line: string) => void,
  ): Promise<DistGuard> {
    return new DistGuard(distDir, await distFingerprint(distDir), canRebuild, log);
  }

  /** Whether web/dist is still the bench's build. */
  async intact(): Promise<boolean> {
    return (await distFingerprint(this.distDir)) === this.fingerprint;
  }

  /** Puts the bench's build back when another one replaced it; throws if that is impossible. */
  async restore(): Promise<void> {
    if (await this.intact()) return;
    this.replaced += 1;
    if (!this.canRebuild) {
      throw new Error('web/dist changed during the bench (another build replaced it): rerun');
    }
    this.log('web/dist was replaced by another build: building it again…');
    buildWebUi();
    if (!(await this.intact())) {
      throw new Error('web/ changed during the bench (its build differs now): rerun');
    }
  }
}
