//! The widget's own interface texts (labels, buttons, hints), French first.
//!
//! Texts about errors, rules, methods and portals come from `sesame-core`; only what exists in
//! the widget's interface alone is here.

use sesame_core::i18n::either;
use sesame_core::Lang;

/// One interface text, by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    /// The password field's label.
    Password,
    /// The show/hide button (constant: its state is `aria-pressed`).
    ShowPassword,
    /// Its visible short text.
    Show,
    /// Caps-lock hint.
    CapsLock,
    /// Submit of the login form.
    LogIn,
    /// Submit while waiting.
    LoggingIn,
    /// The forgotten-password button.
    ForgotPassword,
    /// Reset link text.
    ResetPassword,
    /// When the portal has no reset link.
    ForgotContactSupport,
    /// Forgotten identifier link text.
    ForgotIdentifier,
    /// Create-account link text.
    CreateAccount,
    /// The method chooser's legend.
    ChooseMethod,
    /// Back to the chooser.
    OtherMethod,
    /// No method of this version works on the portal.
    NoMethod,
    /// Language switch: the name of the other language, in that language.
    OtherLanguage,
    /// Missing identifier.
    MissingIdentifier,
    /// Missing password.
    MissingPassword,
    /// Identifier of the wrong shape (followed by the rule's hint).
    IdentifierShape,
    /// Session panel: "Connected as".
    ConnectedAs,
    /// Session panel: method.
    MethodLabel,
    /// Session panel: assurance level.
    AssuranceLabel,
    /// Log out.
    LogOut,
    /// Change password button and form title.
    ChangePassword,
    /// Current password field.
    CurrentPassword,
    /// New password field.
    NewPassword,
    /// Submit of the change form.
    Confirm,
    /// Submit while waiting.
    Saving,
    /// Cancel.
    Cancel,
    /// Close.
    Close,
    /// Success of the change.
    PasswordChanged,
    /// Title of the rule checklist.
    RulesTitle,
    /// Before a met rule (for screen readers).
    RuleMet,
    /// Before an unmet rule (for screen readers).
    RuleNotMet,
    /// After a rule only the server checks (the common-password list).
    RuleOnSubmit,
    /// Support online form link.
    SupportForm,
    /// Unknown preset (followed by its name).
    UnknownPreset,
    /// First paint: the module is still loading.
    Loading,
    /// First paint: submitted before the module was ready.
    SubmitQueued,
    /// Code step: its title.
    CodeTitle,
    /// Code step: the field's label.
    CodeLabel,
    /// Code step: where the code went (followed by the masked destination).
    CodeSentTo,
    /// Code step: the code comes from the authenticator app.
    CodeFromApp,
    /// Code step: which channel to send the code on.
    ChooseChannel,
    /// Send by SMS.
    BySms,
    /// Send by e-mail.
    ByEmail,
    /// Send a new code.
    Resend,
    /// Another code may be asked for now (announced once).
    ResendReady,
    /// The code has expired.
    CodeExpired,
    /// Submit of the code step.
    VerifyCode,
    /// Submit while waiting.
    Verifying,
    /// Start the login again.
    Restart,
    /// Enrolment: title.
    EnrolTitle,
    /// Enrolment: scan the QR code.
    EnrolScan,
    /// Enrolment: the QR code's text alternative.
    EnrolQrAlt,
    /// Enrolment: or type the key.
    EnrolKey,
    /// Enrolment: then type the code shown.
    EnrolThen,
    /// This device's clock differs from the portal's.
    ClockWarning,
    /// Extension absent: what it gives.
    ExtensionHint,
    /// Extension absent: the install link, for Firefox.
    InstallForFirefox,
    /// Extension absent: the install link, for Chromium-based browsers.
    InstallForChromium,
    /// Extension there: the bookmark button.
    AddToBookmarks,
    /// Waiting for the person's answer in the extension's window.
    ConfirmInExtension,
    /// The bookmark was made.
    BookmarkAdded,
    /// The bookmark was there already.
    BookmarkAlready,
    /// The "not a robot" step's title.
    NotARobot,
    /// It is being checked (nothing to do).
    CaptchaChecking,
    /// It is done.
    CaptchaDone,
    /// Try the check again.
    CaptchaRetry,
    /// CPS login: what to have ready, and where the PIN goes.
    CpsHint,
    /// CPS login: the extension's window is open.
    CpsAtTheCard,
    /// CPS login: the portal checks the card's answer.
    CpsVerifying,
    /// Pro Santé Connect: what happens when the button is pressed.
    PscHint,
    /// Regional SSO: what happens when the button is pressed.
    SsoHint,
    /// Pro Santé Connect / SSO: on the way to the provider.
    OidcLeaving,
    /// The establishment chooser's legend.
    ChooseEstablishment,
    /// Its button.
    Continue,
    /// Session panel: the establishment.
    EstablishmentLabel,
    /// QR login: what to do with the phone.
    QrScan,
    /// QR login: the code image's text alternative.
    QrAlt,
    /// QR login: before the two digits to pick on the phone.
    QrPick,
    /// QR login: before the seconds left.
    QrExpiresIn,
    /// QR login: waiting for the phone.
    QrWaiting,
    /// QR login: a new code is coming.
    QrNewCode,
    /// QR login: the network is lost, trying again.
    QrOffline,
    /// QR login: expired after the automatic renewals.
    QrExpired,
    /// QR login: the renew button (the seed's words).
    QrRenew,
    /// Set-password form's title (the seed's link text).
    SetPassword,
    /// A link from an e-mail is being checked.
    LinkChecking,
    /// The password was set: log in with it.
    PasswordSet,
    /// An expired reset link: ask for another.
    NewLink,
    /// Back to the login from a journey.
    BackToLogin,
    /// The forgotten-password form's field.
    IdentifierOrEmail,
    /// The forgotten-identifier form's field.
    EmailAddress,
    /// The forgotten password / identifier forms' button.
    SendMail,
    /// Their answer, the same whether an account matched or not.
    MailOnItsWay,
    /// The sign-up confirmation's title.
    SignupTitle,
    /// Its field: the code sent by SMS.
    SignupCode,
    /// Sign-up confirmed.
    SignupDone,
    /// A new code was sent.
    CodeResent,
    /// The terms: what to do before entering.
    TermsIntro,
    /// The terms' link.
    TermsRead,
    /// Accept the terms.
    Accept,
    /// Decline them.
    Decline,
    /// They were declined: no session.
    TermsDeclined,
}

impl T {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        use T::*;
        // Each arm yields its pair; one lookup after the `match` (a table, not a call per
        // arm). `pick` here is that pair, by the name `cargo xtask` reads the English from.
        let pick = |_: Lang, fr: &'static str, en: &'static str| (fr, en);
        let pair = match self {
            Password => pick(lang, "Mot de passe", "Password"),
            ShowPassword => pick(lang, "Afficher le mot de passe", "Show password"),
            Show => pick(lang, "Afficher", "Show"),
            CapsLock => pick(
                lang,
                "Attention\u{a0}: les majuscules sont activées (touche Verr. Maj).",
                "Caution: Caps Lock is on.",
            ),
            LogIn => pick(lang, "Se connecter", "Log in"),
            LoggingIn => pick(lang, "Connexion…", "Logging in…"),
            ForgotPassword => pick(lang, "Mot de passe oublié\u{a0}?", "Forgotten password?"),
            ResetPassword => pick(lang, "Réinitialiser mon mot de passe", "Reset my password"),
            ForgotContactSupport => pick(
                lang,
                "Pour obtenir un nouveau mot de passe, contactez l'assistance\u{a0}:",
                "To get a new password, contact support:",
            ),
            ForgotIdentifier => pick(lang, "Identifiant oublié\u{a0}?", "Forgotten identifier?"),
            CreateAccount => pick(lang, "Créer un compte", "Create an account"),
            ChooseMethod => pick(
                lang,
                "Choisissez comment vous connecter",
                "Choose how to log in",
            ),
            OtherMethod => pick(lang, "Autre mode de connexion", "Another way to log in"),
            NoMethod => pick(
                lang,
                "La connexion à ce portail n'est pas encore possible depuis cette page. \
                 Contactez l'assistance\u{a0}:",
                "Logging in to this portal is not possible from this page yet. Contact support:",
            ),
            OtherLanguage => pick(lang, "English", "Français"),
            MissingIdentifier => pick(
                lang,
                "Saisissez votre identifiant.",
                "Enter your identifier.",
            ),
            MissingPassword => pick(
                lang,
                "Saisissez votre mot de passe.",
                "Enter your password.",
            ),
            IdentifierShape => pick(
                lang,
                "Cet identifiant n'a pas la forme attendue\u{a0}:",
                "This identifier does not have the expected form:",
            ),
            ConnectedAs => pick(lang, "Connecté(e)\u{a0}:", "Logged in:"),
            MethodLabel => pick(lang, "Mode de connexion\u{a0}:", "Login method:"),
            AssuranceLabel => pick(
                lang,
                "Niveau d'authentification\u{a0}:",
                "Authentication level:",
            ),
            LogOut => pick(lang, "Se déconnecter", "Log out"),
            ChangePassword => pick(lang, "Changer de mot de passe", "Change password"),
            CurrentPassword => pick(lang, "Mot de passe actuel", "Current password"),
            NewPassword => pick(lang, "Nouveau mot de passe", "New password"),
            Confirm => pick(lang, "Valider", "Confirm"),
            Saving => pick(lang, "Enregistrement…", "Saving…"),
            Cancel => pick(lang, "Annuler", "Cancel"),
            Close => pick(lang, "Fermer", "Close"),
            PasswordChanged => pick(
                lang,
                "Votre mot de passe a été changé. Utilisez-le à votre prochaine connexion.",
                "Your password has been changed. Use it next time you log in.",
            ),
            RulesTitle => pick(
                lang,
                "Le nouveau mot de passe doit respecter\u{a0}:",
                "The new password must have:",
            ),
            RuleMet => pick(lang, "respectée\u{a0}: ", "met: "),
            RuleNotMet => pick(lang, "non respectée\u{a0}: ", "not met: "),
            RuleOnSubmit => pick(lang, "vérifiée à l'envoi", "checked when you confirm"),
            SupportForm => pick(
                lang,
                "Formulaire d'assistance en ligne",
                "Online support form",
            ),
            Loading => pick(
                lang,
                "Chargement du module de connexion…",
                "Loading the login module…",
            ),
            SubmitQueued => pick(
                lang,
                "Connexion dès que le module de connexion sera prêt…",
                "Logging in as soon as the login module is ready…",
            ),
            CodeTitle => pick(
                lang,
                "Deuxième étape\u{a0}: le code de vérification",
                "Second step: the verification code",
            ),
            CodeLabel => pick(lang, "Code à usage unique", "One-time code"),
            CodeSentTo => pick(lang, "Code envoyé à\u{a0}:", "Code sent to:"),
            CodeFromApp => pick(
                lang,
                "Ouvrez votre application d'authentification et saisissez le code qu'elle \
                 affiche pour ce portail.",
                "Open your authenticator app and type the code it shows for this portal.",
            ),
            ChooseChannel => pick(
                lang,
                "Pour recevoir votre code, choisissez\u{a0}:",
                "To receive your code, choose:",
            ),
            BySms => pick(lang, "Par SMS", "By text message"),
            ByEmail => pick(lang, "Par e-mail", "By e-mail"),
            Resend => pick(lang, "Renvoyer un code", "Send a new code"),
            ResendReady => pick(
                lang,
                "Vous pouvez demander un nouveau code.",
                "You can ask for a new code.",
            ),
            CodeExpired => pick(
                lang,
                "Ce code a expiré\u{a0}: demandez-en un nouveau.",
                "This code has expired: ask for a new one.",
            ),
            VerifyCode => pick(lang, "Valider le code", "Confirm the code"),
            Verifying => pick(lang, "Vérification…", "Checking…"),
            Restart => pick(lang, "Recommencer la connexion", "Start logging in again"),
            EnrolTitle => pick(
                lang,
                "Associez votre application d'authentification",
                "Set up your authenticator app",
            ),
            EnrolScan => pick(
                lang,
                "1. Dans l'application, ajoutez un compte et scannez ce QR code.",
                "1. In the app, add an account and scan this QR code.",
            ),
            EnrolQrAlt => pick(
                lang,
                "QR code à scanner avec votre application d'authentification",
                "QR code to scan with your authenticator app",
            ),
            EnrolKey => pick(
                lang,
                "Ou saisissez cette clé dans l'application\u{a0}:",
                "Or type this key into the app:",
            ),
            EnrolThen => pick(
                lang,
                "2. Saisissez ci-dessous le code que l'application affiche.",
                "2. Type below the code the app shows.",
            ),
            ClockWarning => pick(
                lang,
                "L'heure de cet appareil diffère de celle du portail. Si le code est refusé, \
                 vérifiez que votre téléphone est à l'heure (réglage automatique).",
                "This device's time differs from the portal's. If the code is refused, check \
                 that your phone shows the right time (automatic setting).",
            ),
            ExtensionHint => pick(
                lang,
                "L'extension Sésame ajoute ce portail à vos favoris en un clic.",
                "The Sésame extension adds this portal to your bookmarks in one click.",
            ),
            InstallForFirefox => pick(
                lang,
                "Installer l'extension Sésame pour Firefox",
                "Install the Sésame extension for Firefox",
            ),
            InstallForChromium => pick(
                lang,
                "Installer l'extension Sésame pour Chrome, Edge ou Chromium",
                "Install the Sésame extension for Chrome, Edge or Chromium",
            ),
            AddToBookmarks => pick(
                lang,
                "Ajouter ce portail à mes favoris",
                "Add this portal to my bookmarks",
            ),
            ConfirmInExtension => pick(
                lang,
                "Répondez dans la fenêtre de l'extension Sésame.",
                "Answer in the Sésame extension's window.",
            ),
            BookmarkAdded => pick(
                lang,
                "Ajouté à vos favoris (barre personnelle).",
                "Added to your bookmarks (toolbar).",
            ),
            BookmarkAlready => pick(lang, "Déjà dans vos favoris.", "Already in your bookmarks."),
            NotARobot => pick(
                lang,
                "Vérification «\u{a0}Je ne suis pas un robot\u{a0}»",
                "\"I am not a robot\" check",
            ),
            CaptchaChecking => pick(
                lang,
                "Vérification automatique en cours, rien à faire.",
                "Checking automatically, nothing to do.",
            ),
            CaptchaDone => pick(lang, "Vérification faite.", "Check done."),
            CaptchaRetry => pick(lang, "Refaire la vérification", "Check again"),
            CpsHint => pick(
                lang,
                "Insérez votre carte CPS dans le lecteur. Le code PIN se tape dans la fenêtre \
                 Sésame qui va s'ouvrir, jamais sur cette page.",
                "Insert your CPS card in the reader. The PIN is typed in the Sésame window that \
                 will open, never on this page.",
            ),
            PscHint => pick(
                lang,
                "Vous allez quitter cette page pour vous identifier sur Pro Santé Connect, avec \
                 votre carte CPS ou l'application e-CPS, puis revenir ici.",
                "You will leave this page to identify yourself on Pro Santé Connect, with your \
                 CPS card or the e-CPS app, then come back here.",
            ),
            SsoHint => pick(
                lang,
                "Vous allez quitter cette page pour vous identifier sur le service de connexion \
                 de votre région, puis revenir ici.",
                "You will leave this page to identify yourself on your region's login service, \
                 then come back here.",
            ),
            OidcLeaving => pick(lang, "Redirection en cours…", "Redirecting…"),
            ChooseEstablishment => pick(
                lang,
                "Pour quel établissement travaillez-vous aujourd'hui\u{a0}? Choisissez-en un, \
                 puis «\u{a0}Continuer\u{a0}».",
                "Which establishment are you working for today? Choose one, then \"Continue\".",
            ),
            Continue => pick(lang, "Continuer", "Continue"),
            EstablishmentLabel => pick(lang, "Établissement\u{a0}:", "Establishment:"),
            CpsAtTheCard => pick(
                lang,
                "Dans la fenêtre Sésame\u{a0}: vérifiez l'adresse du portail, puis tapez votre \
                 code PIN.",
                "In the Sésame window: check the portal's address, then type your PIN.",
            ),
            CpsVerifying => pick(
                lang,
                "Le portail vérifie votre carte…",
                "The portal is checking your card…",
            ),
            QrScan => pick(
                lang,
                "Ouvrez l'application de votre téléphone et scannez ce QR code, puis choisissez \
                 sur le téléphone le nombre affiché ici.",
                "Open the app on your phone and scan this QR code, then pick on the phone the \
                 number shown here.",
            ),
            QrAlt => pick(
                lang,
                "QR code à scanner avec l'application du téléphone",
                "QR code to scan with the phone app",
            ),
            QrPick => pick(lang, "Nombre à choisir\u{a0}:", "Number to pick:"),
            QrExpiresIn => pick(lang, "Ce code change dans", "This code changes in"),
            QrWaiting => pick(
                lang,
                "En attente de votre accord sur le téléphone…",
                "Waiting for your approval on the phone…",
            ),
            QrNewCode => pick(lang, "Nouveau QR code…", "New QR code…"),
            QrOffline => pick(
                lang,
                "Connexion au portail perdue\u{a0}: nouvel essai dans quelques secondes…",
                "Connection to the portal lost: trying again in a few seconds…",
            ),
            QrExpired => pick(
                lang,
                "Le QR code n'a pas été utilisé à temps. Appuyez sur «\u{a0}Renouveler le QR \
                 code\u{a0}» quand vous avez votre téléphone en main.",
                "The QR code was not used in time. Press \"Renew the QR code\" when you have \
                 your phone at hand.",
            ),
            QrRenew => pick(lang, "Renouveler le QR code", "Renew the QR code"),
            SetPassword => pick(lang, "Définir mon mot de passe", "Set my password"),
            LinkChecking => pick(lang, "Vérification du lien…", "Checking the link…"),
            PasswordSet => pick(
                lang,
                "Votre mot de passe est enregistré. Connectez-vous avec lui.",
                "Your password is saved. Log in with it.",
            ),
            NewLink => pick(lang, "Recevoir un nouveau lien", "Get a new link"),
            BackToLogin => pick(lang, "Retour à la connexion", "Back to login"),
            IdentifierOrEmail => pick(
                lang,
                "Identifiant ou adresse e-mail",
                "Identifier or e-mail address",
            ),
            EmailAddress => pick(lang, "Adresse e-mail", "E-mail address"),
            SendMail => pick(lang, "Recevoir un e-mail", "Send me an e-mail"),
            MailOnItsWay => pick(
                lang,
                "Si un compte correspond, un e-mail part vers son adresse. Il peut mettre \
                 quelques minutes\u{a0}; regardez aussi dans les indésirables (spams).",
                "If an account matches, an e-mail is on its way to its address. It may take a \
                 few minutes; look in your spam folder too.",
            ),
            SignupTitle => pick(lang, "Confirmer mon inscription", "Confirm my sign-up"),
            SignupCode => pick(
                lang,
                "Code à 4 chiffres reçu par SMS",
                "4-digit code received by text message",
            ),
            SignupDone => pick(
                lang,
                "Votre inscription est confirmée. Un e-mail va vous permettre de définir votre \
                 mot de passe.",
                "Your sign-up is confirmed. An e-mail will let you set your password.",
            ),
            CodeResent => pick(lang, "Un nouveau code est parti.", "A new code was sent."),
            TermsIntro => pick(
                lang,
                "Avant d'entrer, lisez les conditions générales d'utilisation (CGU) du \
                 portail, puis acceptez-les.",
                "Before you enter, read the portal's terms of use, then accept them.",
            ),
            TermsRead => pick(
                lang,
                "Lire les conditions d'utilisation (nouvel onglet)",
                "Read the terms of use (new tab)",
            ),
            Accept => pick(lang, "J'accepte", "I accept"),
            Decline => pick(lang, "Je refuse", "I decline"),
            TermsDeclined => pick(
                lang,
                "Vous avez refusé les conditions d'utilisation\u{a0}: vous n'êtes pas \
                 connecté. Pour utiliser le portail, reconnectez-vous et acceptez-les.",
                "You declined the terms of use: you are not logged in. To use the portal, \
                 log in again and accept them.",
            ),
            UnknownPreset => pick(
                lang,
                "Portail inconnu pour le module de connexion Sésame\u{a0}:",
                "Unknown portal for the Sésame login widget:",
            ),
        };
        either(lang, pair)
    }
}

/// "3 règles respectées sur 7", for the checklist's polite live region.
pub fn rules_met(met: usize, total: usize, lang: Lang) -> String {
    match lang {
        Lang::Fr if met <= 1 => format!("{met} règle respectée sur {total}"),
        Lang::Fr => format!("{met} règles respectées sur {total}"),
        Lang::En if total == 1 => format!("{met} of {total} rule met"),
        Lang::En => format!("{met} of {total} rules met"),
    }
}

/// "Code valable encore 9 min": the code's life, in whole minutes (rounded up), for the polite
/// region (it changes once a minute, not every second).
pub fn code_valid_for(minutes: u32, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Code valable encore {minutes}\u{a0}min."),
        Lang::En => format!("Code valid for {minutes} more min."),
    }
}

/// "Renvoyer un code (dans 45 s)": the resend button while it waits.
pub fn resend_in(seconds: u32, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{} (dans {seconds}\u{a0}s)", T::Resend.get(lang)),
        Lang::En => format!("{} (in {seconds} s)", T::Resend.get(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_well() {
        assert_eq!(rules_met(0, 7, Lang::Fr), "0 règle respectée sur 7");
        assert_eq!(rules_met(3, 7, Lang::Fr), "3 règles respectées sur 7");
        assert_eq!(rules_met(3, 7, Lang::En), "3 of 7 rules met");
        assert_eq!(
            code_valid_for(9, Lang::Fr),
            "Code valable encore 9\u{a0}min."
        );
        assert_eq!(resend_in(45, Lang::En), "Send a new code (in 45 s)");
    }

    #[test]
    fn every_text_differs_between_languages() {
        for t in [T::Password, T::LogIn, T::OtherLanguage, T::ChangePassword] {
            assert_ne!(t.get(Lang::Fr), t.get(Lang::En));
        }
    }
}
