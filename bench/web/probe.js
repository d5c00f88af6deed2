// Installed by page.addInitScript before the web UI's own scripts, on every navigation; runs
// in the page, so it is plain browser JavaScript. window.__salonBenchConfig (set just before
// this script) names the message whose first paint is timed. Everything lands in
// window.__salonBench, with times from performance.now() (0 = the navigation's start).
// It says on the console when the newest message has painted, so that the bench need not poll
// the page meanwhile (a poll makes Playwright evaluate its injected script in the page first:
// 15-40 ms of the main thread's CPU in the middle of the load it measures).
/* global window, document, performance, PerformanceObserver, MutationObserver, requestAnimationFrame, MessageChannel, CSS, URL, setInterval, clearInterval */
(() => {
  const config = window.__salonBenchConfig;
  const state = {
    longTasks: [],
    // First paints of the newest message's elements (Element Timing), and the fallback: the
    // end of the first frame after it entered the DOM.
    elementPaints: [],
    paintReported: false,
    newestInDomAt: null,
    newestFrameAt: null,
    reply: { firstTextAt: null, endedAt: null },
  };
  window.__salonBench = state;

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      state.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });

  /** Tells the bench once both the paint and the frame after the newest message are known. */
  const reportPainted = () => {
    if (state.paintReported || state.elementPaints.length === 0 || state.newestFrameAt === null) {
      return;
    }
    state.paintReported = true;
    console.debug(config.paintedMessage);
  };

  const elementObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === 'salon-newest') {
        state.elementPaints.push(entry.renderTime || entry.loadTime);
      }
    }
    reportPainted();
  });
  elementObserver.observe({ type: 'element', buffered: true });

  // Element Timing needs the attribute before the paint: a mutation observer's callback runs
  // right after React's commit, before the frame is rendered.
  const selector = `[data-message-id="${CSS.escape(config.newestMessageId)}"]`;
  const domObserver = new MutationObserver(() => {
    const article = document.querySelector(selector);
    if (!article) return;
    for (const element of [article, ...article.querySelectorAll('*')]) {
      element.setAttribute('elementtiming', 'salon-newest');
    }
    if (state.newestInDomAt !== null) return;
    state.newestInDomAt = performance.now();
    requestAnimationFrame(() => {
      // A message posted from rAF runs after that frame's paint.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        state.newestFrameAt = performance.now();
        // Later frames don't matter; stop paying for the observer.
        domObserver.disconnect();
        reportPainted();
      };
      channel.port2.postMessage(null);
    });
  });
  domObserver.observe(document, { childList: true, subtree: true });

  /** What the visit's load measured (see VisitResult in long-chat.ts). */
  state.loadSummary = (conversationPath) => {
    const [navigation] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const request = (pathname) =>
      resources.find((entry) => new URL(entry.name).pathname === pathname);
    const authState = request('/api/auth/state');
    const conversation = request(conversationPath);
    const article = document.querySelector(selector);
    const scroller = article?.closest('.message-scroller');
    let newestVisible = false;
    if (article && scroller) {
      const box = article.getBoundingClientRect();
      const view = scroller.getBoundingClientRect();
      newestVisible = box.bottom > view.top && box.top < view.bottom;
    }
    return {
      newestPaintMs: Math.min(...state.elementPaints),
      newestFrameMs: state.newestFrameAt,
      newestVisible,
      domContentLoadedMs: navigation?.domContentLoadedEventEnd ?? null,
      authStateSentMs: authState?.startTime ?? null,
      authStateDoneMs: authState?.responseEnd ?? null,
      conversationSentMs: conversation?.startTime ?? null,
      conversationDoneMs: conversation?.responseEnd ?? null,
      conversationTransferBytes: conversation?.transferSize ?? null,
    };
  };

  /** Marks this instant in the trace and returns it on the page's clock. */
  state.clockMark = () => performance.mark('salon-bench-clock').startTime;

  /** Marks the send, then polls (cheaply, every 20 ms) for the reply's first text and end. */
  state.watchReply = () => {
    state.reply = { sentAt: performance.now(), firstTextAt: null, endedAt: null };
    performance.mark('salon-bench-send');
    let started = false;
    const timer = setInterval(() => {
      const busy = document.querySelector('article[aria-busy="true"]');
      started ||= busy !== null;
      if (
        state.reply.firstTextAt === null &&
        (busy?.querySelector('.markdown')?.textContent || (started && !busy))
      ) {
        state.reply.firstTextAt = performance.now();
        performance.mark('salon-bench-first-text');
      }
      if (started && !busy) {
        state.reply.endedAt = performance.now();
        performance.mark('salon-bench-reply-end');
        clearInterval(timer);
      }
    }, 20);
  };

  /** Long tasks from the send to `untilMs`, and the reply's timings. */
  state.replySummary = (untilMs) => {
    const { sentAt, firstTextAt, endedAt } = state.reply;
    const during = state.longTasks.filter((task) => task.start >= sentAt && task.start < untilMs);
    return {
      streamLongTasks: during.length,
      longTaskApiLongestMs: Math.max(0, ...during.map((task) => task.duration)),
      replyFirstTextMs: firstTextAt - sentAt,
      replyStreamMs: endedAt - firstTextAt,
    };
  };
})();
