//! The extension's own texts, French first, English second (the browser's language picks).

use sesame_core::i18n::pick;
use sesame_core::Lang;

/// A text of the extension's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum T {
    PopupTitle,
    EnabledPortals,
    NoPortal,
    Open,
    AddBookmark,
    BookmarkAdded,
    BookmarkThere,
    DesktopShortcut,
    ShortcutOffered,
    KeyboardShortcut,
    NoKey,
    Remove,
    KnownPortals,
    Enable,
    OptionsLink,
    OptionsTitle,
    Diagnostics,
    CopyReport,
    ReportCopied,
    ReportCopyFailed,
    Browser,
    ExtensionVersion,
    ProductVersion,
    Bridge,
    BridgeReady,
    NativeHost,
    Platform,
    ConfirmTitle,
    ConfirmEnable,
    ConfirmEnableBookmark,
    ConfirmBookmark,
    PresentsItselfAs,
    Allow,
    AllowAndBookmark,
    AddTheBookmark,
    Cancel,
    RequestGone,
    Failed,
    Bookmarks,
    Yes,
    NotYet,
    CardReady,
    LookedFor,
    SandboxedBrowser,
    FirefoxModule,
    ModuleInstalled,
    ModuleNotInstalled,
    ModuleUnavailable,
    InstallInFirefox,
    RemoveFromFirefox,
    Checked,
    PinTitle,
    PinAsks,
    PinCheckOrigin,
    Holder,
    Rpps,
    ValidUntil,
    PinLabel,
    PinHint,
    PinFormat,
    TriesLeft,
    PinSubmit,
    PinSigning,
    PinSigned,
    PinPad,
    Close,
}

impl T {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            T::PopupTitle => pick(lang, "Sésame", "Sésame"),
            T::EnabledPortals => pick(lang, "Vos portails", "Your portals"),
            T::NoPortal => pick(
                lang,
                "Aucun portail pour l'instant. Sur la page de connexion de votre portail, \
                 choisissez «\u{a0}Ajouter ce portail à mes favoris\u{a0}», ou ajoutez un \
                 portail connu ci-dessous.",
                "No portal yet. On your portal's login page, choose \"Add this portal to my \
                 bookmarks\", or add a known portal below.",
            ),
            T::Open => pick(lang, "Ouvrir", "Open"),
            T::AddBookmark => pick(lang, "Ajouter aux favoris", "Add to bookmarks"),
            T::BookmarkAdded => pick(
                lang,
                "Favori ajouté dans la barre personnelle.",
                "Bookmark added to the toolbar.",
            ),
            T::BookmarkThere => pick(lang, "Déjà dans vos favoris.", "Already in your bookmarks."),
            T::DesktopShortcut => pick(lang, "Raccourci sur le bureau", "Desktop shortcut"),
            T::ShortcutOffered => pick(
                lang,
                "Enregistrez le fichier proposé sur votre bureau\u{a0}: un double-clic ouvrira \
                 le portail.",
                "Save the file offered on your desktop: a double click will open the portal.",
            ),
            T::KeyboardShortcut => pick(lang, "Raccourci clavier", "Keyboard shortcut"),
            T::NoKey => pick(
                lang,
                "aucun (les navigateurs en proposent quatre)",
                "none (browsers offer four)",
            ),
            T::Remove => pick(lang, "Retirer", "Remove"),
            T::KnownPortals => pick(lang, "Portails connus", "Known portals"),
            T::Enable => pick(lang, "Ajouter", "Add"),
            T::OptionsLink => pick(lang, "Options et diagnostic", "Options and diagnostics"),
            T::OptionsTitle => pick(lang, "Sésame — options et diagnostic", "Sésame — options and diagnostics"),
            T::Diagnostics => pick(lang, "Diagnostic", "Diagnostics"),
            T::CopyReport => pick(lang, "Copier le rapport pour l'assistance", "Copy the report for support"),
            T::ReportCopied => pick(
                lang,
                "Rapport copié\u{a0}: collez-le dans votre message à l'assistance.",
                "Report copied: paste it into your message to support.",
            ),
            T::ReportCopyFailed => pick(
                lang,
                "La copie a été refusée par le navigateur\u{a0}: sélectionnez le texte du \
                 rapport ci-dessus et copiez-le (Ctrl+C).",
                "The browser refused the copy: select the report's text above and copy it \
                 (Ctrl+C).",
            ),
            T::Browser => pick(lang, "Navigateur", "Browser"),
            T::ExtensionVersion => pick(lang, "Version de l'extension", "Extension version"),
            T::ProductVersion => pick(lang, "Version de Sésame", "Sésame version"),
            T::Bridge => pick(lang, "Liaison avec les pages", "Link with pages"),
            T::BridgeReady => pick(
                lang,
                "prête (pages https, et http sur 127.0.0.1 et localhost)",
                "ready (https pages, and http on 127.0.0.1 and localhost)",
            ),
            T::NativeHost => pick(lang, "Lecteur de carte CPS (programme Sésame)", "CPS card reader (Sésame program)"),
            T::Platform => pick(lang, "Système", "System"),
            T::ConfirmTitle => pick(lang, "Sésame — confirmation", "Sésame — confirmation"),
            T::ConfirmEnable => pick(
                lang,
                "Ce site demande à utiliser l'extension Sésame\u{a0}:",
                "This site asks to use the Sésame extension:",
            ),
            T::ConfirmEnableBookmark => pick(
                lang,
                "Ce site demande à utiliser l'extension Sésame et à être ajouté à vos favoris\u{a0}:",
                "This site asks to use the Sésame extension and to be added to your bookmarks:",
            ),
            T::ConfirmBookmark => pick(
                lang,
                "Ce portail demande à être ajouté à vos favoris\u{a0}:",
                "This portal asks to be added to your bookmarks:",
            ),
            T::PresentsItselfAs => pick(
                lang,
                "Il se présente comme\u{a0}: «\u{a0}{}\u{a0}» (nom donné par le site, non vérifié)",
                "It calls itself: \"{}\" (the site's own name, not checked)",
            ),
            T::Allow => pick(lang, "Autoriser", "Allow"),
            T::AllowAndBookmark => pick(lang, "Autoriser et ajouter le favori", "Allow and add the bookmark"),
            T::AddTheBookmark => pick(lang, "Ajouter le favori", "Add the bookmark"),
            T::Cancel => pick(lang, "Annuler", "Cancel"),
            T::RequestGone => pick(
                lang,
                "Cette demande n'est plus en attente (délai dépassé ou page fermée). Fermez \
                 cette fenêtre et recommencez depuis la page du portail.",
                "This request is no longer waiting (it timed out or the page was closed). Close \
                 this window and start again from the portal's page.",
            ),
            T::Failed => pick(
                lang,
                "Le navigateur a refusé l'opération. Vérifiez les autorisations de l'extension \
                 Sésame dans les modules du navigateur, puis réessayez.",
                "The browser refused the operation. Check the Sésame extension's permissions in \
                 the browser's add-ons, then try again.",
            ),
            T::Bookmarks => pick(lang, "Dans vos favoris", "In your bookmarks"),
            T::Yes => pick(lang, "oui", "yes"),
            T::NotYet => pick(lang, "pas encore", "not yet"),
            T::CardReady => pick(
                lang,
                "prête\u{a0}: carte de {}",
                "ready: card of {}",
            ),
            T::SandboxedBrowser => pick(
                lang,
                "Si ce navigateur a été installé en Snap ou Flatpak, il ne peut pas lancer le \
                 programme de carte\u{a0}: installez-le depuis un paquet .deb (ou utilisez un \
                 autre navigateur).",
                "If this browser was installed as a Snap or Flatpak, it cannot start the card \
                 program: install it from a .deb package (or use another browser).",
            ),
            T::FirefoxModule => pick(
                lang,
                "Carte CPS dans Firefox (sites qui demandent le certificat de la carte)",
                "CPS card in Firefox (sites that ask for the card's certificate)",
            ),
            T::ModuleInstalled => pick(lang, "installée", "installed"),
            T::ModuleNotInstalled => pick(lang, "non installée", "not installed"),
            T::ModuleUnavailable => pick(
                lang,
                "impossible\u{a0}: le programme de carte Sésame doit d'abord être installé \
                 (sesame-host install), puis rechargez cette page.",
                "not possible: the Sésame card program must be installed first (sesame-host \
                 install), then reload this page.",
            ),
            T::InstallInFirefox => pick(lang, "Installer dans Firefox", "Install in Firefox"),
            T::RemoveFromFirefox => pick(lang, "Retirer de Firefox", "Remove from Firefox"),
            T::LookedFor => pick(lang, "Cherché ici\u{a0}:", "Looked for here:"),
            T::Checked => pick(lang, "Emplacements vérifiés\u{a0}:", "Places checked:"),
            T::PinTitle => pick(lang, "Connexion avec votre carte CPS", "Log in with your CPS card"),
            T::PinAsks => pick(
                lang,
                "Ce site demande à se connecter avec votre carte CPS\u{a0}:",
                "This site asks to log in with your CPS card:",
            ),
            T::PinCheckOrigin => pick(
                lang,
                "Vérifiez que c'est bien l'adresse de votre portail. Sinon, annulez.",
                "Check that this is your portal's address. If not, cancel.",
            ),
            T::Holder => pick(lang, "Titulaire", "Holder"),
            T::Rpps => pick(lang, "N° RPPS", "RPPS number"),
            T::ValidUntil => pick(lang, "Certificat valable jusqu'au", "Certificate valid until"),
            T::PinLabel => pick(lang, "Code PIN de la carte", "Card PIN"),
            T::PinHint => pick(
                lang,
                "4 chiffres pour une carte CPS. Tapez-le ici, jamais sur la page d'un site.",
                "4 digits for a CPS card. Type it here, never on a website's page.",
            ),
            T::PinFormat => pick(
                lang,
                "Le code PIN compte 4 à 8 chiffres, sans espace ni lettre.",
                "The PIN has 4 to 8 digits, no space or letter.",
            ),
            T::TriesLeft => pick(
                lang,
                "Essais restants avant blocage de la carte\u{a0}: {}",
                "Tries left before the card blocks: {}",
            ),
            T::PinSubmit => pick(lang, "Valider", "Confirm"),
            T::PinSigning => pick(lang, "Vérification par la carte…", "The card is checking…"),
            T::PinSigned => pick(lang, "Carte acceptée. Retour au portail…", "Card accepted. Back to the portal…"),
            T::PinPad => pick(
                lang,
                "Tapez votre code PIN sur le clavier du lecteur de carte.",
                "Type your PIN on the card reader's keypad.",
            ),
            T::Close => pick(lang, "Fermer", "Close"),
        }
    }
}
