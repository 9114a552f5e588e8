// La carte de l'agenda (amélioration progressive) : sans ce script, sans Leaflet
// ou sans données, la page reste la liste des lieux. Tout vient de ce site
// (Leaflet et le contour de la France sont servis par le binaire).
(function () {
  "use strict";
  var box = document.getElementById("pv-carte");
  if (!box || typeof window.L === "undefined" || !window.fetch) return;
  var L = window.L;

  function get(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  // Le contenu d'une bulle, construit élément par élément (aucun texte n'est lu comme du HTML).
  function popup(props) {
    var root = document.createElement("div");
    var title = document.createElement("p");
    title.className = "fr-text--bold fr-mb-1v";
    title.textContent = props.nom + (props.commune ? ", " + props.commune : "");
    root.appendChild(title);
    var list = document.createElement("ul");
    list.className = "fr-mb-0";
    (props.actions || []).forEach(function (a) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = a.url;
      link.textContent = a.titre;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" — " + a.date));
      list.appendChild(item);
    });
    root.appendChild(list);
    return root;
  }

  get(box.getAttribute("data-lieux")).then(function (data) {
    var features = (data && data.features) || [];
    if (!features.length) return;
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false, zoomSnap: 0.25 });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Contours : Natural Earth");
    var markers = [];
    features.forEach(function (f) {
      var c = f.geometry.coordinates;
      var props = f.properties || {};
      var n = (props.actions || []).length;
      var label = props.nom + " : " + n + (n > 1 ? " actions" : " action");
      var icon = L.divIcon({ className: "pv-marker", html: String(n), iconSize: [28, 28] });
      var marker = L.marker([c[1], c[0]], { icon: icon, keyboard: true, title: label, alt: label });
      marker.bindPopup(popup(props));
      marker.on("add", function () {
        var el = marker.getElement();
        if (el) {
          el.setAttribute("role", "button");
          el.setAttribute("aria-label", label);
        }
      });
      markers.push(marker);
    });
    var group = L.featureGroup(markers).addTo(map);
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 12 });
    // Le fond (contour de la France) : s'il manque, les repères restent.
    get(box.getAttribute("data-contour")).then(function (outline) {
      L.geoJSON(outline, {
        interactive: false,
        style: { color: "#000091", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.6 }
      }).addTo(map).bringToBack();
    }).catch(function () {});
    box.setAttribute("data-markers", String(markers.length));
  }).catch(function () {
    box.hidden = true;
  });
})();
