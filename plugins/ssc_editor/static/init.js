/* Start the editor once the format and widgets are registered (index.html sets CMS_MANUAL_INIT). */

/* Decap's Korean sign-in buttons write the particle apart ("GitLab 으로 로그인"); the guides quote
   these buttons, and Korean attaches a particle to its word. */
const korean = window.CMS.getLocale("ko");
if (korean && korean.auth) {
  Object.assign(korean.auth, {
    loginWithGitHub: "GitHub로 로그인",
    loginWithGitLab: "GitLab으로 로그인",
    loginWithBitbucket: "Bitbucket으로 로그인",
    loginWithGitea: "Gitea로 로그인",
    loginWithAzure: "Azure로 로그인",
  });
}

window.CMS.init();
