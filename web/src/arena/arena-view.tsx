// The arena: a prompt goes to two anonymous models whose answers stream side by side as
// "Model A" and "Model B"; the user votes, and only then learns which model wrote which.
// Loaded as a chunk of its own (lazy-arena.tsx): the chat's first load does not carry it.
import { useEffect } from 'react';
import { useModels } from '../data/models.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { Icon } from '../lib/icons.js';
import { navigate } from '../lib/router.js';
import { MarkdownView } from '../markdown/markdown.js';
import { Composer, type ComposerHandle } from '../chat/composer.js';
import { RunNotices } from '../chat/run-notices.js';
import { sides, type BattleOutcome, type SideKey } from './arena-types.js';
import { useBattle } from './use-battle.js';
import './arena.css';

const votes: { outcome: BattleOutcome; label: MessageKey }[] = [
  { outcome: 'a', label: 'arenaVoteA' },
  { outcome: 'b', label: 'arenaVoteB' },
  { outcome: 'tie', label: 'arenaVoteTie' },
  { outcome: 'both_bad', label: 'arenaVoteBothBad' },
];

const sideLabel: Record<SideKey, MessageKey> = { a: 'arenaModelA', b: 'arenaModelB' };

/** The arena screen. */
export function ArenaView({
  battleId,
  onOpenSidebar,
  composerRef,
}: {
  /** The battle in the URL (`/arena?b=`): reopened and followed where its answers stand. */
  battleId: string | null;
  onOpenSidebar(): void;
  composerRef: React.RefObject<ComposerHandle | null>;
}) {
  const { t } = useI18n();
  const { models } = useModels();
  const arena = useBattle(battleId);
  const { battle } = arena;
  // Aliases (`small`) are the same model as their target: they don't make a second contender.
  const contenders = models?.filter((model) => !model.aliasOf).length;
  const tooFew = contenders !== undefined && contenders < 2;

  useEffect(() => {
    document.title = `${t('arena')} – Salon`;
  }, [t]);

  // Escape stops both answers, as it stops a chat reply (unless a dialog has the key).
  const { generating, stop } = arena;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !generating || event.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      void stop();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [generating, stop]);

  const canVote = battle !== null && battle.vote === null && !arena.generating;
  return (
    <div className="chat-view arena-view">
      <header className="chat-header">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-label={t('openSidebar')}
          title={t('openSidebar')}
          onClick={onOpenSidebar}
        >
          <Icon name="menu" />
        </button>
        <h1 className="chat-title">{t('arena')}</h1>
        <div className="chat-header-tools">
          {battle ? (
            <button type="button" className="text-button" onClick={arena.reset}>
              {t('arenaNewBattle')}
            </button>
          ) : null}
          <a
            className="text-button"
            href="/leaderboard"
            onClick={(event) => {
              event.preventDefault();
              navigate({ name: 'leaderboard' });
            }}
          >
            {t('leaderboard')}
          </a>
        </div>
      </header>
      <div className="chat-body">
        <div className="scroll-area arena-body">
          {tooFew ? (
            <p className="arena-warning" role="alert">
              {t('arenaNeedsTwoModels', { count: contenders })}
            </p>
          ) : null}
          {!battle ? (
            <p className="arena-intro">{t('arenaIntro')}</p>
          ) : (
            <>
              <p className="arena-prompt">
                <span className="visually-hidden">{t('arenaYourPrompt')}: </span>
                {battle.prompt}
              </p>
              <div className="arena-answers">
                {sides.map((side) => {
                  const streaming = arena.statuses[side] === 'streaming';
                  const headingId = `arena-side-${side}`;
                  return (
                    <section key={side} className="arena-answer" aria-labelledby={headingId}>
                      <h2 id={headingId}>{t(sideLabel[side])}</h2>
                      {battle[side].model ? (
                        <p className="arena-model">
                          {t('arenaWrittenBy', { model: battle[side].model })}
                        </p>
                      ) : null}
                      <div aria-busy={streaming}>
                        <MarkdownView text={arena.texts[side]} final={!streaming} />
                        {streaming && arena.texts[side] === '' ? (
                          <span className="typing" aria-hidden="true" />
                        ) : null}
                      </div>
                      {!streaming && battle[side].error ? (
                        <p className="form-error">{battle[side].error}</p>
                      ) : null}
                    </section>
                  );
                })}
              </div>
              {battle.vote === null ? (
                <div className="arena-votes" role="group" aria-label={t('arenaVoteGroup')}>
                  {votes.map(({ outcome, label }) => (
                    <button
                      key={outcome}
                      type="button"
                      className="arena-vote"
                      disabled={!canVote}
                      onClick={() => void arena.vote(outcome)}
                    >
                      {t(label)}
                    </button>
                  ))}
                </div>
              ) : (
                <p className="arena-thanks" role="status">
                  {t('arenaThanks', {
                    a: battle.a.model ?? '',
                    b: battle.b.model ?? '',
                  })}
                </p>
              )}
            </>
          )}
        </div>
      </div>
      <div className="composer-area">
        <RunNotices
          reconnecting={arena.reconnecting}
          error={arena.error}
          onDismiss={arena.dismissError}
        />
        <Composer
          ref={composerRef}
          generating={arena.generating}
          disabled={tooFew || models === undefined}
          onSend={(text) => arena.start(text)}
          onStop={() => void arena.stop()}
        />
      </div>
    </div>
  );
}
