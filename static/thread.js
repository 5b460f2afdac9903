// threadarc: keyboard navigation between the posts of a thread page.
// j: next post, k: previous post. Nothing here reads or writes anything but the page.
(function () {
  'use strict';
  var posts = Array.prototype.slice.call(document.querySelectorAll('article.post'));
  if (posts.length < 2) return;
  var hint = document.querySelector('.keys');
  if (hint) hint.hidden = false;

  // The post at the top of the window: the last one whose top is above a small margin.
  function current() {
    var index = -1;
    for (var i = 0; i < posts.length; i++) {
      if (posts[i].getBoundingClientRect().top <= 8) index = i; else break;
    }
    return index;
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var at = current();
    var next;
    if (event.key === 'j') next = Math.min(at + 1, posts.length - 1);
    else if (event.key === 'k') next = Math.max(at - 1, 0);
    else return;
    event.preventDefault();
    var post = posts[next];
    post.scrollIntoView({ block: 'start' });
    var link = post.querySelector('.permalink');
    if (link) link.focus({ preventScroll: true });
    if (history.replaceState) history.replaceState(null, '', '#' + post.id);
  });
})();
